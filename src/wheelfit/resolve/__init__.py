"""Which versions a target gets: the per-target catalog of the index, the resolvelib
resolver over it, and the fast replay for fully pinned inputs.
"""
