"""Who may see and change what: the one place that decides it, and audits every read.

- :mod:`.roles`: a user's agency and role, and which roles do what.
- :mod:`.policy`: per record type, a queryset filter (``cases(user)``) and predicates
  (``can_change_case(user, case)``). Nothing else in CSP Hub filters by agency or role.
- :mod:`.reads`: the same filters, with the audit entry written in the same call, for single
  records (``reads.case(user, pk, purpose=...)``) and lists (``reads.cases(user, purpose=...)``).

Domain services call these and check the caller themselves; pages and API routes call the
services. The model is documented, with a table per role, in ``docs/casework.md``.
"""
