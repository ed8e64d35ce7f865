"""The Textual console (the only layer that imports Textual).

Importing this package sets the console's Textual frame cap before Textual loads (unless the user
set TEXTUAL_FPS): a screen with a change paints within ~4 ms instead of waiting for the next tick
of a 60 Hz grid. Frames still happen only when something changed (about 40/s under a flood), but a
keystroke no longer waits behind the grid a stream update just started; key-to-frame p95 under a
1,000 posts/s flood went from ~35 ms to ~15 ms (bench/bench_console.py).
"""

import os

os.environ.setdefault("TEXTUAL_FPS", "240")
