"""The passes over one input: `check` (resolve on each target, judge every file) and
`enrich` (what each source build needs, alternatives, sizes, the recommendation).

The index is a parameter: tests hand in a loopback client, nothing here opens one.
"""
