"""What each command does, without click: typed options in, the command's output and exit code out.

One module per subcommand (`check`, `inspect`, `dockerfile`), the frozen `RunOptions` the CLI
builds once (`options`), how inputs and index clients are opened (`inputs`) and the
`--fail-on` rules (`fail_on`). The only layer that composes the pipeline with the formats.
"""
