"""Field types shared by the scenario models: durations, rates, channels, distributions.

Each type parses its YAML spelling at validation time (the edge), so a validated model
holds float minutes and per-minute rates only, and publishes the YAML spelling in the
JSON Schema.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PrivateAttr,
    Tag,
    ValidationInfo,
    WithJsonSchema,
    model_validator,
)

from cxsim.scenario.empirical import read_column, read_pairs
from cxsim.scenario.units import DURATION_PATTERN, RATE_PATTERN, parse_duration, parse_rate


class Model(BaseModel):
    """Base of every scenario model: unknown keys are errors, no silent type coercion."""

    model_config = ConfigDict(extra="forbid", strict=True)


Duration = Annotated[
    float,
    BeforeValidator(parse_duration),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "description": "minutes"},
                {"type": "string", "pattern": DURATION_PATTERN},
            ],
            "description": "a duration: 45s, 30min, 2h, 3d, 1w, or a bare number of minutes",
        }
    ),
]
"""A duration in minutes, written `45s`, `30min`, `2h`, `3d`, `1w` or a bare number of minutes."""

Rate = Annotated[
    float,
    BeforeValidator(parse_rate),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "minimum": 0, "description": "per minute"},
                {"type": "string", "pattern": RATE_PATTERN},
            ],
            "description": "a rate: 9/min, 40/h, 120/day, or a bare number per minute",
        }
    ),
]
"""A rate per minute, written `9/min`, `40/h`, `120/day` or a bare number per minute."""

Probability = Annotated[float, Field(ge=0, le=1)]

Channel = Literal["phone", "chat", "video", "in_person", "email", "social", "sms", "web", "app"]
"""The ways a customer can reach a team."""

REAL_TIME_CHANNELS = frozenset({"phone", "chat", "video", "in_person"})
"""Channels where a customer waits in a queue and may abandon it."""

DIGITAL_CHANNELS = frozenset({"chat", "video", "email", "social", "sms", "web", "app"})
"""Channels a customer without digital comfort does not use."""


# --- distributions -----------------------------------------------------------------------


class Exponential(Model):
    """Exponential durations with the given mean."""

    family: ClassVar[str] = "exponential"

    class Params(Model):
        mean: Annotated[Duration, Field(gt=0)]

    exponential: Params


SPREAD = 100.0
"""The largest standard deviation a distribution may have, in means. Past it a lognormal
or gamma puts nearly every draw at 0 and a few beyond any horizon: the mean is kept in
arithmetic only, and a run of it would mislead."""


class MeanSd(Model):
    """A distribution given by its mean and standard deviation."""

    mean: Annotated[Duration, Field(gt=0)]
    sd: Annotated[Duration, Field(ge=0)]

    @model_validator(mode="after")
    def _spread(self) -> MeanSd:
        if self.sd > SPREAD * self.mean:
            raise ValueError(
                f"sd is {self.sd / self.mean:.3g} times the mean: nearly every draw would be 0 "
                f"and a few beyond any horizon, expected sd at most {SPREAD:g} times the mean"
            )
        return self


class Lognormal(Model):
    """Lognormal durations with the given mean and standard deviation."""

    family: ClassVar[str] = "lognormal"
    lognormal: MeanSd


class Gamma(Model):
    """Gamma durations with the given mean and standard deviation."""

    family: ClassVar[str] = "gamma"
    gamma: MeanSd


class Triangular(Model):
    """Triangular durations between min and max, most often at mode."""

    family: ClassVar[str] = "triangular"

    class Params(Model):
        min: Duration
        mode: Duration
        max: Duration

        @model_validator(mode="after")
        def _ordered(self) -> Triangular.Params:
            if not self.min <= self.mode <= self.max or self.min == self.max:
                raise ValueError(
                    f"expected min <= mode <= max with min < max, got min={self.min:g}, "
                    f"mode={self.mode:g}, max={self.max:g} (minutes)"
                )
            return self

    triangular: Params


class Uniform(Model):
    """Uniform durations between min and max."""

    family: ClassVar[str] = "uniform"

    class Params(Model):
        min: Duration
        max: Duration

        @model_validator(mode="after")
        def _ordered(self) -> Uniform.Params:
            if self.min > self.max:
                raise ValueError(
                    f"expected min <= max, got min={self.min:g}, max={self.max:g} (minutes)"
                )
            return self

    uniform: Params


class Constant(Model):
    """The same duration every time (a bare duration means the same)."""

    family: ClassVar[str] = "constant"
    constant: Duration


class Empirical(Model):
    """Durations drawn at random from a column of a CSV file (relative to the scenario).

    With `by_age`, a wait step's duration depends on how old the case is: each value
    comes with the case's age when it was seen, and a draw picks among the `neighbours`
    values seen at the ages nearest the case's own (all of those seen at exactly its age,
    when there are more). A closure due a month after opening, whatever happened
    before, is drawn this way.
    """

    family: ClassVar[str] = "empirical"

    class Params(Model):
        file: str = Field(description="CSV file, relative to the scenario file")
        column: str = Field(description="header of the column holding the durations")
        unit: Literal["s", "min", "h", "d", "w"] = Field(
            "min", description="unit of bare numbers in the column"
        )
        by_age: str | None = Field(
            None,
            description="header of the column holding the case's age when each duration was "
            "seen (same unit): a wait step's duration is drawn among those seen at the "
            "ages nearest the case's own",
        )
        neighbours: int = Field(
            20,
            ge=1,
            description="with by_age: how many durations, seen at the nearest ages, "
            "a draw picks from",
        )
        _values: list[float] = PrivateAttr(default_factory=list)
        _ages: list[float] = PrivateAttr(default_factory=list)

        @model_validator(mode="after")
        def _read(self, info: ValidationInfo) -> Empirical.Params:
            base = (info.context or {}).get("base_dir")
            if self.by_age is None:
                self._values = read_column(self.file, self.column, self.unit, base)
            else:
                pairs = read_pairs(self.file, (self.column, self.by_age), self.unit, base)
                self._values, self._ages = [v for v, _ in pairs], [a for _, a in pairs]
            return self

        @property
        def values(self) -> list[float]:
            """The durations read from the file, in minutes."""
            return self._values

        @property
        def ages(self) -> list[float]:
            """With `by_age`: the case's age when each duration was seen, in minutes."""
            return self._ages

    empirical: Params


DISTRIBUTIONS: dict[str, type[Model]] = {
    cls.family: cls
    for cls in (Exponential, Lognormal, Gamma, Triangular, Uniform, Constant, Empirical)
}
"""Distribution families keyed by their YAML name."""


def single_key(value: Any, scalar: str, models: dict[str, type[BaseModel]]) -> str | None:
    """The tag of a value written `{tag: …}`: its one key; `scalar` for a bare number or text.

    Discriminates the unions whose members are told apart by their only key
    (distributions, arrival patterns); an already validated member gives its own tag.
    """
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return scalar
    if isinstance(value, dict) and len(value) == 1:
        return str(next(iter(value)))
    for tag, model in models.items():
        if isinstance(value, model):
            return tag
    return None


def _family(value: Any) -> str | None:
    return single_key(value, "bare", DISTRIBUTIONS)


Distribution = Annotated[
    Annotated[Duration, Tag("bare")]
    | Annotated[Exponential, Tag("exponential")]
    | Annotated[Lognormal, Tag("lognormal")]
    | Annotated[Gamma, Tag("gamma")]
    | Annotated[Triangular, Tag("triangular")]
    | Annotated[Uniform, Tag("uniform")]
    | Annotated[Constant, Tag("constant")]
    | Annotated[Empirical, Tag("empirical")],
    Discriminator(
        _family,
        custom_error_type="distribution",
        custom_error_message="expected a duration or one distribution such as "
        "{exponential: {mean: 2min}}",
    ),
]
"""A random duration: a bare duration (constant) or `{family: {params}}`."""


def check_probabilities(outcomes: dict[str, float]) -> dict[str, float]:
    """Outcome probabilities must add up to 1."""
    total = sum(outcomes.values())
    if abs(total - 1) > 1e-9:
        raise ValueError(f"expected probabilities adding up to 1, got a sum of {total:g}")
    return outcomes


__all__ = [
    "DIGITAL_CHANNELS",
    "DISTRIBUTIONS",
    "REAL_TIME_CHANNELS",
    "Channel",
    "Distribution",
    "Duration",
    "Model",
    "Probability",
    "Rate",
    "check_probabilities",
]
