"""A stochastic request workload: users asking for JIT access to VMs and connecting while the ports are open.

Each user is one SimPy process. Requests arrive as a Poisson process (``rate_per_day`` per user); each picks
a configured VM and one of its policy ports, a duration (capped at the port's maximum) and, with probability
``connect_probability``, connects once the port is open, for a session of ``session_minutes``. Draws come
only from JIT's own random stream (:mod:`.host`). Refused requests are recorded by the model and the user
carries on.
"""

from __future__ import annotations

from dataclasses import dataclass

from pim_sim.facts import DAY

from .errors import JitRefusal


@dataclass(frozen=True, slots=True)
class RequestWorkload:
    users: tuple[str, ...]
    vms: tuple[str, ...] = ()  # empty: every configured VM
    rate_per_day: float = 4.0
    durations: tuple[float, ...] = (30.0, 60.0, 120.0, 180.0)
    connect_probability: float = 0.9
    session_minutes: tuple[float, float] = (10.0, 90.0)
    user_ips: tuple[str, ...] = ()  # one per user; default 198.51.100.(i+1)

    def start(self, jit, until: float) -> None:
        """Start one process per user on the JIT model's environment, stopping at minute ``until``."""
        for i, user in enumerate(self.users):
            ip = self.user_ips[i] if i < len(self.user_ips) else f"198.51.100.{(i % 250) + 1}"
            jit.host.env.process(self._user(jit, user, ip, until))

    def _user(self, jit, user: str, ip: str, until: float):
        env, rng = jit.host.env, jit.host.rng
        rate = self.rate_per_day / DAY
        while True:
            wait = rng.expovariate(rate) if rate > 0 else until
            if env.now + wait >= until:
                return
            yield env.timeout(wait)
            vms = [v for v in (self.vms or tuple(jit._policy_of_vm)) if jit.policy_of(v) is not None]
            if not vms:
                continue
            vm = rng.choice(sorted(vms))
            rule = rng.choice(jit.entry_of(vm).ports)
            port, duration = rule.number, min(rng.choice(self.durations), rule.max_minutes)
            try:
                jit.request(user, vm, [port], duration=duration, source=ip, caller_ip=ip)
            except JitRefusal:
                continue
            if rng.random() < self.connect_probability:
                jit.connect(ip, vm, port, session_minutes=rng.uniform(*self.session_minutes))
