"""The partner inbox: what is waiting for an agency or a user (a referral, a task, a panel action,
something overdue, a review due), read state per user, and email notifications that say only
that something is waiting. Domain apps post with :func:`csphub.inbox.services.post`."""
