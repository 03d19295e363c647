import factory

from clusterdiag.models import User

PASSWORD = "Correct-Horse-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.org")
    first_name = "Ada"
    last_name = factory.Sequence(lambda n: f"Member{n}")
    password = factory.django.Password(PASSWORD)
