from reportbuilder.cli import main

main()
