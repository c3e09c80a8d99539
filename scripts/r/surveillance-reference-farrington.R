# Reference output of R `surveillance` (>= 1.20) for the Farrington family, written as JSON fixtures
# so that the TypeScript tests (src/publichealth/detectors/farrington*.test.ts, glm.test.ts) run without R.
#
#   Rscript scripts/r/surveillance-reference-farrington.R [outdir]     (default test/fixtures/surveillance)
#
# R is used only to produce reference numbers; the TypeScript is written from the papers.
# Indices in the JSON are 0-based (R index - 1); NA becomes null.
suppressMessages(library(surveillance))
args <- commandArgs(trailingOnly = TRUE)
outdir <- if (length(args) >= 1) args[1] else "test/fixtures/surveillance"
dir.create(outdir, recursive = TRUE, showWarnings = FALSE)

# ---- minimal JSON writer (no jsonlite dependency) -------------------------------------------
num <- function(x) ifelse(is.na(x), "null", sprintf("%.15g", x))
lgl <- function(x) ifelse(is.na(x), "null", ifelse(x, "true", "false"))
arr <- function(x) paste0("[", paste(x, collapse = ","), "]")
obj <- function(...) {
  kv <- list(...)
  kv <- kv[!vapply(kv, is.null, logical(1))]
  if (length(kv) == 0) return("{}")
  paste0("{", paste0('"', names(kv), '":', unlist(kv), collapse = ","), "}")
}
str_ <- function(s) paste0('"', s, '"')
ctl_json <- function(ctl) {
  if (length(ctl) == 0) return("{}")
  parts <- lapply(ctl, function(v) {
    if (is.character(v)) str_(v) else if (is.logical(v)) lgl(v)
    else if (length(v) > 1) arr(num(v)) else num(v)
  })
  do.call(obj, parts)
}

# ---- series ----------------------------------------------------------------------------------
agona <- read.table(system.file("extdata", "salmonella.agona.txt", package = "surveillance"), header = TRUE)
set.seed(20240501)
t364 <- 1:364
seas <- function(t, a = 0.6, b = 0.3) a * sin(2 * pi * t / 52) + b * cos(2 * pi * t / 52)
series <- list(
  salmonella = agona$observed,
  seasonal = rpois(364, exp(1.5 + seas(t364))),
  trend = rnbinom(364, size = 5, mu = exp(1 + 0.004 * t364 + seas(t364, 0.4, 0))),
  outbreaks = local({
    t <- 1:416
    x <- rnbinom(416, size = 3, mu = exp(2 + seas(t, 0.5, -0.2)))
    hit <- c(60:62, 150:153, 205, 262:264, 330:333, 371:372, 390:392, 405)
    x[hit] <- x[hit] + rpois(length(hit), 12)
    x
  }),
  lowcounts = local({
    x <- rpois(364, 0.35)
    x[c(40:45, 120:160, 280:300)] <- 0
    x[c(300, 301, 340:342)] <- x[c(300, 301, 340:342)] + c(4, 6, 3, 5, 7)
    x
  }),
  monthly = rpois(96, exp(2 + 0.5 * sin(2 * pi * (1:96) / 12))),
  # All-zero baselines under a burst of recent cases: the GLM's mean tends to 0.
  zeros = local({
    x <- rep(0, 300)
    x[c(280:283, 290, 291, 295:299)] <- c(3, 4, 6, 2, 5, 9, 1, 0, 7, 3, 8)
    x[c(100, 101)] <- c(1, 2)
    x
  }),
  daily = rpois(3 * 365 + 60, exp(1.5 + 0.4 * sin(2 * pi * (1:(3 * 365 + 60)) / 365)))
)
freq_of <- function(name) if (name == "monthly") 12 else if (name == "daily") 365 else 52

# ---- cases -----------------------------------------------------------------------------------
fcases <- list(
  list("salmonella", list()),
  list("salmonella", list(b = 4, w = 3, alpha = 0.01), c(270, 312)),
  list("seasonal", list()),
  list("seasonal", list(reweight = FALSE, trend = FALSE)),
  list("trend", list(b = 3)),
  list("trend", list(b = 3, powertrans = "1/2")),
  list("trend", list(b = 3, powertrans = "none", alpha = 0.01)),
  list("outbreaks", list()),
  list("outbreaks", list(b = 3, w = 2, alpha = 0.01, limit54 = c(3, 2)), c(200, 416)),
  list("lowcounts", list(b = 3)),
  list("monthly", list(b = 3, w = 1)),
  list("zeros", list(b = 3), c(270, 300)),
  list("outbreaks", list(b = 2), c(200, 416)),
  list("daily", list(b = 2, w = 3), c(1000, 1155))
)
xcases <- list(
  list("salmonella", list()),
  list("salmonella", list(noPeriods = 1, b = 4, w = 3, weightsThreshold = 1, pastWeeksNotIncluded = 3,
                          pThresholdTrend = 0.05, alpha = 0.1), c(282, 312)),
  list("salmonella", list(noPeriods = 10, b = 4, w = 3, weightsThreshold = 2.58, pastWeeksNotIncluded = 26,
                          pThresholdTrend = 1, alpha = 0.1), c(282, 312)),
  list("seasonal", list()),
  list("seasonal", list(thresholdMethod = "nbPlugin")),
  list("seasonal", list(thresholdMethod = "muan", b = 3)),
  list("trend", list(b = 3)),
  list("trend", list(b = 3, thresholdMethod = "nbPlugin", trend = FALSE)),
  list("trend", list(b = 3, thresholdMethod = "muan", reweight = FALSE)),
  list("trend", list(b = 3, powertrans = "1/2", alpha = 0.01)),
  list("trend", list(b = 3, powertrans = "none", weightsThreshold = 1)),
  list("outbreaks", list()),
  list("outbreaks", list(b = 3, noPeriods = 3, pastWeeksNotIncluded = 3, thresholdMethod = "nbPlugin")),
  list("outbreaks", list(b = 3, noPeriods = 8, pastWeeksNotIncluded = 3, thresholdMethod = "nbPlugin"), c(330, 416)),
  list("outbreaks", list(b = 3, w = 2, noPeriods = 5, pastWeeksNotIncluded = 8, thresholdMethod = "muan"), c(330, 416)),
  list("outbreaks", list(b = 4, noPeriods = 10, w = 3, weightsThreshold = 2.58, pastWeeksNotIncluded = 26,
                         pThresholdTrend = 1, thresholdMethod = "muan")),
  list("outbreaks", list(b = 3, limit54 = c(3, 2), w = 2, alpha = 0.01)),
  list("lowcounts", list(b = 3)),
  list("lowcounts", list(b = 3, thresholdMethod = "nbPlugin")),
  list("monthly", list(b = 3, w = 1)),
  list("monthly", list(b = 3, w = 1, noPeriods = 4, pastWeeksNotIncluded = 3, thresholdMethod = "nbPlugin")),
  list("zeros", list(b = 3), c(270, 300)),
  list("zeros", list(b = 3, thresholdMethod = "nbPlugin"), c(270, 300)),
  list("zeros", list(b = 3, thresholdMethod = "muan"), c(270, 300)),
  list("outbreaks", list(b = 2, w = 2), c(200, 416)),
  list("daily", list(b = 2, w = 3), c(1000, 1155))
)
noufaily <- list(noPeriods = 10, w = 3, weightsThreshold = 2.58, pastWeeksNotIncluded = 26,
                 pThresholdTrend = 1, thresholdMethod = "nbPlugin")
for (s in c("salmonella", "seasonal", "trend", "outbreaks", "lowcounts"))
  xcases[[length(xcases) + 1]] <- list(s, c(noufaily, list(b = 3)), NULL, "noufaily")
xcases[[length(xcases) + 1]] <- list("outbreaks", noufaily, NULL, "noufaily")
xcases[[length(xcases) + 1]] <- list("daily", c(noufaily, list(b = 2)), c(1000, 1155), "noufaily")

result_json <- function(idx, ub, al) obj(index = arr(idx - 1), threshold = arr(num(ub)), alarm = arr(lgl(al)))

run_case <- function(method, case) {
  name <- case[[1]]; ctl <- case[[2]]; rng <- if (length(case) >= 3) case[[3]] else NULL
  preset <- if (length(case) >= 4) case[[4]] else NULL
  x <- series[[name]]; freq <- freq_of(name)
  s <- sts(observed = x, frequency = freq)
  full <- ctl
  if (!is.null(rng)) full$range <- rng[1]:rng[2]
  if (method == "farrington") {
    r <- suppressWarnings(algo.farrington(sts2disProg(s), control = full))
    idx <- r$control$range; ub <- r$upperbound; al <- r$alarm
  } else {
    r <- suppressWarnings(farringtonFlexible(s, control = full))
    idx <- (nrow(s) - nrow(r) + 1):nrow(s); ub <- as.vector(upperbound(r)); al <- as.vector(alarms(r))
  }
  rj <- if (is.null(rng)) "null" else obj(start = num(rng[1] - 1), end = num(rng[2] - 1))
  obj(series = str_(name), preset = if (is.null(preset)) NULL else str_(preset), options = ctl_json(ctl),
      range = rj, expected = result_json(idx, ub, al))
}

write_fixture <- function(file, method, cases) {
  used <- unique(vapply(cases, function(k) k[[1]], ""))
  ser <- vapply(used, function(n) obj(frequency = num(freq_of(n)), observed = arr(num(series[[n]]))), "")
  body <- paste0('{"generator":"scripts/r/surveillance-reference-farrington.R","surveillance":"',
                 as.character(packageVersion("surveillance")), '","method":"', method, '",\n"series":{',
                 paste0('"', used, '":', ser, collapse = ",\n"), '},\n"cases":[\n',
                 paste(vapply(cases, function(k) run_case(method, k), ""), collapse = ",\n"), "]}\n")
  writeLines(body, file.path(outdir, file), sep = "")
}
write_fixture("farrington.json", "farrington", fcases)
write_fixture("farrington-flexible.json", "farringtonFlexible", xcases)

# ---- GLM reference: quasi-Poisson fits, with and without weights / offset, and NB quantiles ----
glm_case <- function(y, t, w = NULL, off = NULL) {
  if (is.null(w)) w <- rep(1, length(y))
  if (is.null(off)) off <- rep(0, length(y))
  m <- glm(y ~ t, family = quasipoisson(link = "log"), weights = w, offset = off)
  sm <- summary(m)
  obj(y = arr(num(y)), t = arr(num(t)), weights = arr(num(w)), offset = arr(num(off)),
      coefficients = arr(num(coef(m))), se = arr(num(sm$coefficients[, 2])), dispersion = num(sm$dispersion),
      fitted = arr(num(fitted(m))), hat = arr(num(influence(m)$hat)), deviance = num(deviance(m)),
      dfResidual = num(m$df.residual))
}
gy <- series$outbreaks[1:35]
g <- c(glm_case(gy, 1:35), glm_case(c(0, 0, 1, 0, 3, 0, 0, 2, 0, 1), 1:10),
       glm_case(gy, 1:35, w = rep(c(1, 0.5, 2, 1, 0.25), 7), off = log(seq(1000, 1340, by = 10))),
       glm_case(series$trend[100:140], 100:140, w = c(rep(1, 20), 0, rep(1, 20))))
qs <- expand.grid(p = c(0.95, 0.99, 0.5), size = c(0.5, 3, 40), mu = c(0.2, 4.5, 60))
nb <- obj(p = arr(num(qs$p)), size = arr(num(qs$size)), mu = arr(num(qs$mu)),
          qnbinom = arr(num(qnbinom(qs$p, size = qs$size, mu = qs$mu))), qpois = arr(num(qpois(qs$p, qs$mu))),
          pnbinom = arr(num(pnbinom(3, size = qs$size, mu = qs$mu))))
pz <- c(1e-10, 0.001, 0.025, 0.3, 0.5, 0.95, 0.995)
dist <- obj(p = arr(num(pz)), qnorm = arr(num(qnorm(pz))), t = arr(num(c(0.3, 1.7, 2.2, 4))),
            df = arr(num(c(3, 10, 33, 20))), ptTwoSided = arr(num(2 * pt(-abs(c(0.3, 1.7, 2.2, 4)), c(3, 10, 33, 20)))))
writeLines(paste0('{"generator":"scripts/r/surveillance-reference-farrington.R","R":"', getRversion(),
                  '",\n"fits":[', paste(g, collapse = ",\n"), '],\n"negbin":', nb, ',\n"normal":', dist, "}\n"),
           file.path(outdir, "glm.json"), sep = "")
cat("fixtures written to", outdir, "\n")
