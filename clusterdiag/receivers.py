from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .auth import forget_user, remember_user
from .models import User


@receiver(post_save, sender=User, dispatch_uid="clusterdiag.forget_user.save")
@receiver(post_delete, sender=User, dispatch_uid="clusterdiag.forget_user.delete")
def _forget_user(sender, instance, update_fields=None, **kwargs):
    # A user saved or deleted here is read afresh by this process's next request; the time
    # of the last log-in (saved at every log-in) changes nothing a request reads.
    if update_fields and set(update_fields) <= {"last_login"}:
        return
    forget_user(instance.pk)


@receiver(user_logged_in, dispatch_uid="clusterdiag.remember_user")
def _remember_user(sender, request, user, **kwargs):
    # The user who just logged in is the one the next requests ask for.
    remember_user(user)
