"""`python -m wheelfit`, and the `wheelfit` command (`run`)."""

from __future__ import annotations


def run() -> None:
    """The command line. The cyclic collector is off while the run's modules load too:
    ~300 modules and ~90 dataclasses made ~50 collections of objects that all live to the
    end (`cli.main` keeps it off for the run itself)."""
    import gc

    collecting = gc.isenabled()
    gc.disable()
    try:
        from wheelfit.cli import main
    finally:
        if collecting:
            gc.enable()
    main()


if __name__ == "__main__":
    run()
