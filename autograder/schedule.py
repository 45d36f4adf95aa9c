"""Run tasks on workers, a few at a time, and hand back each result as it ends (step "run and judge").

The workers are a local pool of spawned processes (`--jobs`), each warmed up once (autograder.engine.warm_up),
or a Dask cluster (`--cluster`). Tasks are taken from the caller's iterator only as workers need them (two per
worker in flight), so the caller prepares the next submission and records finished ones while workers grade.
A local worker that dies (not a submission: those run in the worker's children) is replaced; the submission it
held is reported as failed and the others it held are retried.
"""
from __future__ import annotations

import os
from typing import Callable, Iterable, Iterator

from autograder.contracts import RunResult, Task


def default_jobs() -> int:
    """One worker per core this process may run on (a container's or `taskset`'s limit, not the machine's)."""
    return len(os.sched_getaffinity(0))


def local_pool(jobs: int, frameworks, specs):
    """A pool of `jobs` spawned workers that import the frameworks and the labs' specs as they start."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from autograder import engine

    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"),
                               initializer=engine.warm_up, initargs=(tuple(frameworks), tuple(specs), True))


def run_all(to_grade: Iterable[tuple[object, Task]], jobs: int, frameworks, specs, cluster: str | None,
            pool=None) -> Iterator[tuple[object, Task, RunResult | BaseException]]:
    """(item, task, what the worker returned or the exception that stopped it) for each (item, task), as
    workers finish. `pool`: a local pool already started (local_pool), else one is started here."""
    from concurrent.futures import FIRST_COMPLETED, wait
    from concurrent.futures.process import BrokenProcessPool

    from autograder import engine

    to_grade = iter(to_grade)
    if cluster:
        from distributed import Client
        from distributed import wait as dask_wait

        with Client(cluster, timeout="30s") as client:
            window = 2 * max(sum(client.nthreads().values()), 1)
            yield from _pipeline(to_grade, window, lambda task: client.submit(
                engine.grade_task, task, key=f"grade-{task.key}-{os.getpid()}", pure=False),
                lambda futures: dask_wait(list(futures), return_when="FIRST_COMPLETED").done)
        return
    pool, retry = pool or local_pool(jobs, frameworks, specs), []
    while True:
        broken: list = []
        finished = 0

        def source():
            yield from retry
            while not broken:  # a broken pool takes no more work
                try:
                    yield next(to_grade)
                except StopIteration:
                    return

        with pool:
            for item, task, run in _pipeline(source(), 2 * jobs, lambda task: pool.submit(engine.grade_task, task),
                                             lambda futures: wait(futures, return_when=FIRST_COMPLETED).done):
                if isinstance(run, BrokenProcessPool):
                    broken.append((item, task))
                else:
                    finished += 1
                    yield item, task, run
        if not broken:
            return
        if not finished:  # the workers die before finishing anything (they cannot start): do not retry forever
            for item, task in [*broken, *to_grade]:
                yield item, task, RuntimeError("the grading workers died before finishing any submission")
            return
        yield (*broken[0], RuntimeError("a grading worker died while grading this submission"))
        retry, pool = broken[1:], local_pool(jobs, frameworks, specs)


def _pipeline(source: Iterator[tuple[object, Task]], window: int, submit: Callable, first_done: Callable):
    """Keep up to `window` tasks from `source` running; yield (item, task, run-or-exception) as they end."""
    in_flight: dict = {}
    while True:
        while len(in_flight) < window:
            try:
                item, task = next(source)
            except StopIteration:
                break
            try:
                in_flight[submit(task)] = (item, task)
            except Exception as error:  # e.g. the pool broke
                yield item, task, error
        if not in_flight:
            return
        for future in first_done(in_flight):
            item, task = in_flight.pop(future)
            try:
                run = future.result()
            except Exception as error:
                run = error
            yield item, task, run
