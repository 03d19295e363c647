"""What the diagnostic layer announces. Higher layers (the benchmark) listen: the layers
only point down, so this app never calls them."""

from django.dispatch import Signal

# Sent by diagnostic_submit inside its transaction, once the diagnostic is locked, with
# diagnostic=<the Diagnostic>. What receivers write commits or rolls back with the
# submission.
diagnostic_submitted = Signal()

# Sent by cluster_delete inside its transaction, just before the cluster and everything of
# it (diagnostics, scores, plans) is deleted, with cluster=<the Cluster>.
cluster_deleted = Signal()
