"""Image sizes and build times: the shipped size tables, the estimate per way of building
the image, and the recommendation drawn from it. Pure over a report and the tables.
"""
