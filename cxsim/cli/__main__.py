"""`python -m cxsim.cli` is the `cxsim` command too."""

from cxsim.cli import main

main()
