"""The public-space CCTV estate: the register, faults, monthly activity, the six-month placement
review, new-camera requests with their DPIA and Surveillance Camera Code self-assessment, the
SEG's decisions, rapid deployments, footage requests and the SEG's quarterly CCTV paper.

Who may see and change what is decided in ``csphub.access.policy`` (its ``# ---- CCTV ----``
block); see ``docs/cctv.md``.
"""
