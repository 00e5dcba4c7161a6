"""wheelfit: will your Python dependencies install from wheels on python:slim and python:alpine?"""

__version__ = "0.1.0"

__all__ = ["__version__"]
