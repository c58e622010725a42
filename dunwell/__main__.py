from dunwell.cli import main

main()
