from django.db import transaction

from .models import User


@transaction.atomic
def user_signup(*, email: str, password: str, first_name: str = "", last_name: str = "",
                language: str = "") -> User:
    """Create a cluster manager's account: anyone who signs up may register clusters."""
    user = User(email=email, first_name=first_name, last_name=last_name, language=language)
    user.set_password(password)
    user.full_clean()
    user.save()
    return user


def user_set_language(*, user: User, language: str) -> User:
    user.language = language
    user.full_clean(exclude=["password"])
    user.save(update_fields=["language"])
    return user
