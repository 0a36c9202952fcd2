from pmf_pipeline.cli import main

main()
