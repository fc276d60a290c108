from loyaldesk.cli import main

main()
