"""Helper of python_threads.c: CPython's threading, queues, locks, a thread
pool and subprocesses, all with a deterministic output.

usage: python3 py_threads.py CHILD   (CHILD: the C program of the test)
"""
import concurrent.futures
import hashlib
import queue
import subprocess
import sys
import threading

child = sys.argv[1]

# Producers and consumers over a bounded queue.
q = queue.Queue(maxsize=16)
results = []
results_lock = threading.Lock()


def produce(base):
    for i in range(2000):
        q.put(base + i)


def consume():
    total = 0
    while True:
        item = q.get()
        if item is None:
            q.task_done()
            break
        total += item
        q.task_done()
    with results_lock:
        results.append(total)


producers = [threading.Thread(target=produce, args=(k * 100000,)) for k in range(3)]
consumers = [threading.Thread(target=consume) for _ in range(3)]
for t in producers + consumers:
    t.start()
for t in producers:
    t.join()
for _ in consumers:
    q.put(None)
for t in consumers:
    t.join()
q.join()
print('queue sum', sum(results))

# RLock, Condition, Event, Semaphore, Barrier.
rl = threading.RLock()
cond = threading.Condition(rl)
ready = threading.Event()
sem = threading.BoundedSemaphore(2)
barrier = threading.Barrier(4)
counter = [0]


def worker(n):
    barrier.wait()
    ready.wait()
    for _ in range(500):
        with sem:
            with rl:
                with rl:            # re-entered
                    counter[0] += n
                    cond.notify_all()


ws = [threading.Thread(target=worker, args=(k + 1,)) for k in range(4)]
for t in ws:
    t.start()
ready.set()
with cond:
    cond.wait_for(lambda: counter[0] == 500 * (1 + 2 + 3 + 4))
for t in ws:
    t.join()
print('counter', counter[0])


# A thread pool hashing, and running the C child from several threads.
def digest(n):
    return hashlib.sha256(str(n).encode() * 1000).hexdigest()[:8]


with concurrent.futures.ThreadPoolExecutor(max_workers=4) as pool:
    hashes = list(pool.map(digest, range(200)))
print('hashes', hashlib.sha256(''.join(hashes).encode()).hexdigest()[:16])


def run_child(k):
    r = subprocess.run([child, str(k)], input=('x' * k).encode(),
                       capture_output=True, check=True)
    return r.stdout.decode()


with concurrent.futures.ThreadPoolExecutor(max_workers=3) as pool:
    outs = list(pool.map(run_child, range(1, 13)))
print('children', ' '.join(o.strip() for o in outs))

# A shell pipeline through subprocess.
p = subprocess.run('seq 1000 -1 1 | head -n 3', shell=True,
                   capture_output=True, check=True, text=True)
print('pipeline', p.stdout.split())
