"""`python -m cxsim` is the `cxsim` command."""

from cxsim.cli import main

main()
