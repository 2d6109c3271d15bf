// Every test runs real PostgreSQL clusters on a machine whose two cores are shared: one test at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
