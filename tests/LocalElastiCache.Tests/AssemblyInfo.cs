// Every test starts its own redis-server processes and a local S3 server; on a 2-core machine shared with other work,
// running the classes one after another keeps each node's start well inside its readiness timeout.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
