from dtscli.cli import main

main()
