from kbapp.cli.main import main

raise SystemExit(main())
