from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from clusterdiag.language import language_choices

FACILITATORS_GROUP = "Facilitators"


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)

    def facilitators(self):
        return self.filter(groups__name=FACILITATORS_GROUP)


class User(AbstractUser):
    """A person who logs in with an email address.

    Anyone who signs up is a cluster manager of the clusters they register; facilitators
    are users in the Facilitators group; administrators are superusers.
    """

    username = None
    email = models.EmailField(_("email address"), unique=True)
    language = models.CharField(
        _("language"), max_length=8, choices=language_choices, blank=True
    )

    reminders = models.BooleanField(
        _("milestone reminders"), default=True,
        help_text=_("Email me before a milestone of an action I own is due, and when it is "
                    "late."))

    objects = UserManager()

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def __str__(self):
        return self.get_full_name() or self.email

    @property
    def is_facilitator(self) -> bool:
        return self.groups.filter(name=FACILITATORS_GROUP).exists()


class StoredFile(models.Model):
    """A generated file kept in the database (PRIVATE_FILES_STORAGE=database), so that
    every web and worker host reads what any of them wrote: see clusterdiag/storage.py."""

    name = models.CharField(max_length=255, unique=True)
    content = models.BinaryField()
    size = models.PositiveIntegerField()
    modified_at = models.DateTimeField()

    class Meta:
        verbose_name = _("stored file")
        verbose_name_plural = _("stored files")

    def __str__(self):
        return self.name
