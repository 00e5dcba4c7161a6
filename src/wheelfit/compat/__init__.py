"""Pure "what fits where": target images and their wheel tags, file names, pip's choice of
file for a target, and the availability matrix of `wheelfit inspect`. No I/O.
"""
