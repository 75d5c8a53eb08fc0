"""Every benchmark of the project, one after the other (about 10 minutes on 2 cores).

    python benchmarks/run_all.py

1. bench_suite.py: contract loading, collection time, time to first request, offline replay (serial and -n 2,
   wall and peak RSS) and its growth at 1x/2x/4x the operations;
2. bench_vs_schemathesis.py: our full suite vs the schemathesis CLI on the reference server, same operations
   and examples per operation;
3. bench_refserver.py: reference server throughput and latency (wrk when installed);
4. bench_discovery.py: what discovery costs a live run through the varying proxy (share of its wall time).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent

if __name__ == "__main__":
    for script in ("bench_suite.py", "bench_vs_schemathesis.py", "bench_refserver.py", "bench_discovery.py"):
        print(f"== {script}", flush=True)
        subprocess.run([sys.executable, str(HERE / script)], check=False)
