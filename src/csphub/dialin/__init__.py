"""The Daily Dial In: partners' last-24-hours log, the morning view and its prompts, conversion
to casework, the digest and the meeting's decisions; operations and days of action with their
outputs; place-based initiatives (e.g. Clear, Hold, Build) with before/after crime and ASB.

Who sees what is decided in csphub.access.policy (the "Daily Dial In" block).
"""
