from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .auth import forget_user
from .models import User


@receiver(post_save, sender=User, dispatch_uid="clusterdiag.forget_user.save")
@receiver(post_delete, sender=User, dispatch_uid="clusterdiag.forget_user.delete")
def _forget_user(sender, instance, **kwargs):
    # A user saved or deleted here is read afresh by this process's next request.
    forget_user(instance.pk)
