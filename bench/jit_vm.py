"""JIT VM access throughput against bare SimPy, in one process (CPU time; no assertions).

A JIT workload: 40 VMs in 4 subnets (subnet and NIC NSGs, a user rule on some), JIT enabled on all,
60 users requesting access about 6 times a working day for 30 days and connecting while the port is
open. A logical event is a request (accepted or refused), an expiry or a connection attempt. Bare SimPy
then does one timeout per logical event. The last line is ``jit_vs_simpy_ratio=<x>``: JIT CPU seconds
per logical event over bare SimPy CPU seconds per event.

Run: ``.venv/bin/python bench/jit_vm.py [--days 30] [--repeat 3]``
"""

from __future__ import annotations

import argparse
import statistics
import time

import simpy

from pim_sim.features.jit_vm import Access, SecurityRule, VirtualMachine, attach
from pim_sim.features.jit_vm.workload import RequestWorkload

SUB = "/subscriptions/bench"
VMS, SUBNETS, USERS = 40, 4, 60


def build(days: float, seed: int = 1):
    jit = attach(None)
    jit.host.rng.seed(seed)
    jit.add_subscription(SUB)
    jit.add_vnet("vnet", ("10.0.0.0/16",))
    for s in range(SUBNETS):
        jit.add_subnet(f"sn{s}", "vnet", f"10.0.{s}.0/24", nsg=f"nsg-sn{s}")
        jit.add_rule(f"nsg-sn{s}", SecurityRule("web", 300, Access.ALLOW, ("*",), ("*",), ((443, 443),)))
    ids = []
    for i in range(VMS):
        vm = VirtualMachine(f"{SUB}/resourceGroups/rg{i % 4}/providers/Microsoft.Compute/virtualMachines/vm{i}",
                            f"sn{i % SUBNETS}", f"10.0.{i % SUBNETS}.{10 + i}", nic_nsg=f"nsg-vm{i}",
                            public_ip=f"20.0.{i // 200}.{i % 200 + 1}")
        jit.add_vm(vm)
        ids.append(vm.id)
    for s in range(SUBNETS):  # the subnet NSGs let management ports through; the NIC NSGs decide
        jit.add_rule(f"nsg-sn{s}", SecurityRule("mgmt", 310, Access.ALLOW, ("*",), ("*",), ((22, 22), (3389, 3389))))
    jit.enable(ids, ports=[{"number": 22, "max_duration": "PT2H"}, {"number": 3389, "max_duration": "PT3H"}])
    users = tuple(f"user{i:03d}" for i in range(USERS))
    for u in users[: USERS - 5]:  # five users hold no role: their requests are refused
        jit.assign_role(u, "Contributor", SUB)
    horizon = days * 24 * 60
    RequestWorkload(users, rate_per_day=6.0, durations=(30.0, 60.0, 120.0, 240.0)).start(jit, horizon)
    return jit, horizon


def logical_events(jit) -> int:
    expiries = sum(1 for s in jit.port_status if s.status.value == "Revoked")
    return len(jit.requests) + len(jit.refusals) + expiries + len(jit.connections)


def run_jit(days: float) -> tuple[int, float]:
    jit, horizon = build(days)
    t0 = time.process_time()
    jit.run(horizon)
    return logical_events(jit), time.process_time() - t0


def run_simpy(events: int) -> float:
    env = simpy.Environment()

    def proc(env, n):
        for _ in range(n):
            yield env.timeout(1)

    env.process(proc(env, events))
    t0 = time.process_time()
    env.run()
    return time.process_time() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, default=30.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    jit_rates, bare_rates = [], []
    for _ in range(args.repeat):
        events, jit_cpu = run_jit(args.days)
        bare_cpu = run_simpy(events)
        jit_rates.append(jit_cpu / events)
        bare_rates.append(bare_cpu / events)
    jit_per, bare_per = statistics.median(jit_rates), statistics.median(bare_rates)
    print(f"logical_events={events}")
    print(f"jit_us_per_event={jit_per * 1e6:.1f}")
    print(f"simpy_us_per_event={bare_per * 1e6:.2f}")
    print(f"jit_vs_simpy_ratio={jit_per / bare_per:.1f}")


if __name__ == "__main__":
    main()
