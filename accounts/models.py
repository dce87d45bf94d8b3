from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra):
        if not email:
            raise ValueError("A user needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def get_by_natural_key(self, username: str):
        # Unique ignoring case (the constraint below): Ala@Example.org signs in as ala@example.org.
        return self.get(email__iexact=username)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.update(is_staff=True, is_superuser=True, email_confirmed_at=timezone.now())
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: committee members, clerks and operators. Supporters need no account.

    Signing in is by e-mail address. Operators are staff; clerks are users with a clerk membership.
    """

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    is_staff = models.BooleanField(_("operator"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    email_confirmed_at = models.DateTimeField(_("e-mail confirmed at"), null=True, blank=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_unique_ignoring_case")]

    def __str__(self) -> str:
        return self.email

    @property
    def email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    def email_confirm(self) -> None:
        """Stamp the address as confirmed; confirming twice keeps the first time.

        The row is locked so that two clicks on the same link (two tabs, a double tap) record one moment.
        """
        with transaction.atomic():
            locked = type(self).objects.select_for_update().get(pk=self.pk)
            if locked.email_confirmed_at is None:
                locked.email_confirmed_at = timezone.now()
                locked.save(update_fields=["email_confirmed_at"])
            self.email_confirmed_at = locked.email_confirmed_at

    @property
    def is_operator(self) -> bool:
        return self.is_staff

    @cached_property
    def is_clerk(self) -> bool:
        # Asked several times a request (the two-factor guards, the navigation): one query per loaded user.
        return self.clerk_memberships.exists()

    @property
    def must_use_two_factors(self) -> bool:
        """Clerks and operators see personal data of many people: they always sign in with two factors."""
        return self.is_operator or self.is_clerk


class ClerkMembership(models.Model):
    """A clerk of one council's office; a clerk may serve several councils."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="clerk_memberships")
    unit = models.ForeignKey(
        "municipalities.Unit", on_delete=models.PROTECT, related_name="clerk_memberships"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("clerk membership")
        verbose_name_plural = _("clerk memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="clerk_membership_once_per_unit")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit.teryt}"


class ApiToken(models.Model):
    """A token for `Authorization: Token …` (accounts/api_tokens.py). Only its SHA-256 is stored: the token
    itself is shown once, when issued, so a copy of the database lets nobody call the API as anyone.

    Tokens expire (`expires_at`); revoking one deletes its row.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    digest = models.CharField(_("SHA-256 of the token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["user", "expires_at"], name="api_token_user_expiry")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="api_token_expires_after_issue",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} until {self.expires_at:%Y-%m-%d %H:%M}"
