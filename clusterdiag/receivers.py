from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.core import signals
from django.core.cache import close_caches
from django.core.cache.backends.base import BaseCache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.module_loading import import_string

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


def caches_to_close(caches: dict) -> list[str]:
    """The aliases of the caches whose backend has something to close after a request."""
    return [alias for alias, params in caches.items()
            if import_string(params["BACKEND"]).close is not BaseCache.close]


# Django closes every cache at the end of every request. To find the ones in use it asks
# asgiref's Local about each alias, about 20 us of each request (a tenth of a /ping in
# bench/profile_ping.py), only to call a close() that does nothing for ours (local memory,
# Redis). A backend that does close (memcached, say) keeps Django's receiver.
if not caches_to_close(settings.CACHES):
    signals.request_finished.disconnect(close_caches)
