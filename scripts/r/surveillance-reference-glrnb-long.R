#!/usr/bin/env Rscript
# Reference fixture for glrnb (Poisson) on a long, high-count daily series, like those of
# `npm run bench:surveillance` (5 years, ~10 cases a day, seasonality, weekday effect, two outbreaks),
# evaluated over the last 718 days as the benchmark does. Writes
# test/fixtures/surveillance/ears-cusum-glr-long-daily.json in the format of
# surveillance-reference-ears-cusum-glr.R (read by src/publichealth/detectors/r-agreement.test.ts).
# R is only run here, to compare; none of its code is used by Healthy Brain.
#
# Note: `alpha = 0` must be given explicitly. A control list without `alpha` makes R estimate a
# negative-binomial dispersion (glm.nb) and run the NB chart, not the Poisson one.
#
# Usage (from the repository root):  Rscript scripts/r/surveillance-reference-glrnb-long.R
suppressPackageStartupMessages({ library(surveillance); library(jsonlite) })
stopifnot(packageVersion("surveillance") >= "1.20")
out_dir <- file.path("test", "fixtures", "surveillance")
num <- function(v) { v <- as.numeric(v); v[!is.finite(v)] <- NA; signif(v, 12) }

set.seed(20261201)
t <- 1:1826
mu <- 10 * (1 + 0.4 * cos(2 * pi * (t - 40) / 365.25)) * c(0.8, 1.2, 1.1, 1.05, 1, 1, 0.85)[(t %% 7) + 1]
mu[1200:1206] <- 2.5 * mu[1200:1206]
mu[1600:1606] <- 2.5 * mu[1600:1606]
observed <- rpois(length(t), mu)
r <- 1109:1826

run <- function(id, control) {
  s <- sts(observed = observed, frequency = 365)
  res <- suppressWarnings(suppressMessages(glrnb(s, control = c(list(range = r), control))))
  list(id = id, method = "glrnb", control = control[setdiff(names(control), "mu0")],
       m = NULL, mu0 = if (is.list(control$mu0)) control$mu0 else NULL,
       rangeStart = min(r), rangeEnd = max(r),
       upperbound = num(upperbound(res)), alarm = as.integer(alarms(res)))
}
cases <- list(
  run("glrnb-long-value", list(alpha = 0, c.ARL = 5, ret = "value")),
  run("glrnb-long-cases", list(alpha = 0, c.ARL = 5, ret = "cases")),
  run("glrnb-long-S2-trend", list(alpha = 0, c.ARL = 5, ret = "value", mu0 = list(S = 2, trend = TRUE)))
)
fx <- list(name = "long-daily", note = "set.seed(20261201); 1826 days, ~10 cases/day, seasonal, weekday effect, outbreaks 1200-1206 and 1600-1606; glrnb only",
           frequency = 365, observed = as.integer(observed),
           surveillance = as.character(packageVersion("surveillance")), cases = cases)
write_json(fx, file.path(out_dir, "ears-cusum-glr-long-daily.json"), auto_unbox = TRUE, null = "null", na = "null", digits = NA)
cat("wrote long-daily", length(cases), "cases; alarms:", sapply(cases, function(x) sum(x$alarm)), "\n")
