"""The index layer's pure parsers (bytes in, values out, no I/O): project pages and their
rows, core metadata files and a wheel's zip directory.
"""
