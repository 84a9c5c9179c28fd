"""The REPL on a terminal (a pseudo-terminal): completion, history, recovery.

- Tab completes a prefix of a function (mea -> mean) and of a population's
  variable (E. -> E.v, ...);
- a mistake prints a diagnostic and the session goes on, model intact;
- history is saved on exit and the Up key brings it back in a new session;
- Ctrl-C during a long `run` stops it at a step boundary and returns to the
  prompt with the state kept (the next `run` goes on from there); Ctrl-C at
  the prompt, or inside a block being typed, gives up that input and the
  session goes on (it used to end the session).

usage: check_terminal.py SNNC MODEL
"""
import os
import pty
import select
import sys
import tempfile
import time


def fail(msg, *args):
    print("FAILED:", msg % args)
    sys.exit(1)


class Terminal:
    def __init__(self, argv, home):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            env = dict(os.environ, HOME=home, TERM="xterm", NO_COLOR="1")
            os.execve(argv[0], argv, env)
        self.seen = b""

    def read_until(self, text, timeout=20.0):
        end = time.time() + timeout
        while text.encode() not in self.seen:
            left = end - time.time()
            if left <= 0:
                fail("waited for %r; the terminal shows:\n%s", text,
                     self.seen.decode(errors="replace"))
            r, _, _ = select.select([self.fd], [], [], left)
            if r:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    break
                if not chunk:
                    break
                self.seen += chunk
        return self.seen.decode(errors="replace")

    def send(self, keys):
        os.write(self.fd, keys.encode())

    def close(self):
        os.waitpid(self.pid, 0)


def main():
    snnc, model = sys.argv[1], sys.argv[2]
    home = tempfile.mkdtemp(prefix="snnterm-")
    t = Terminal([snnc, "repl", model], home)
    t.read_until("snn> ")
    t.send("mea\t")
    t.send("(E.v[0:2])\r")
    screen = t.read_until(" mV")
    if "unknown function" in screen:
        fail("Tab did not complete 'mea' to 'mean':\n%s", screen)
    t.send("taum + 1 mV\r")
    t.read_until("cannot add a time")
    t.send("count(E.\t\t")
    screen = t.read_until("E.spikes")
    if "E.ge" not in screen:
        fail("completion of 'E.' does not list E.ge:\n%s", screen)
    t.send("\x15")  # erase the line
    t.send("run 10 ms\r")
    t.read_until("t = 10 ms")
    t.send("quit\r")
    t.close()
    history = os.path.join(home, ".snn_history")
    saved = open(history).read().replace("\\040", " ") if os.path.exists(history) else ""
    if "run 10 ms" not in saved:
        fail("history was not saved in %s: %r", history, saved)
    t = Terminal([snnc, "repl", model], home)
    t.read_until("snn> ")
    t.send("\x1b[A\x1b[A\r")  # Up, Up (past 'quit'), Enter: 'run 10 ms' again
    t.read_until("t = 10 ms")
    # Ctrl-C during a run far too long to finish.
    t.send("run 100000 s\r")
    time.sleep(1.0)
    t.send("\x03")
    screen = t.read_until("interrupted")
    stopped_at = screen[screen.rfind("t = "):].split(" ms")[0][4:]
    if not (10 < float(stopped_at) < 100000e3):
        fail("the interrupted run stopped at t = %s ms:\n%s", stopped_at, screen)
    t.read_until("snn> ")
    t.send("run 5 ms\r")
    t.read_until("t = %g ms" % (float(stopped_at) + 5))
    # Ctrl-C at the prompt and inside a block: the input is given up.
    # (the terminal discards what is typed while it delivers Ctrl-C: wait)
    t.send("1 +\x03")
    time.sleep(0.5)
    t.send("population Late = LIF[2] {\r")
    t.read_until("...> ")
    t.send("\x03")
    time.sleep(0.5)
    t.send("count(Late.spikes)\r")
    t.read_until("count() takes a population")
    t.send("run 1 ms\r")
    t.read_until("t = %g ms" % (float(stopped_at) + 6))
    t.send("quit\r")
    t.close()
    print("ok")


main()
