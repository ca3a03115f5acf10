-- Le script de wrk des benchmarks (bench/pages.py) : chaque requête vise, à tour de rôle, la
-- page d'une des familles connectées (une ligne « chemin cookie » du fichier donné après --),
-- et la fin imprime une ligne RESULTAT lue par Python (p95 compris, que --latency ne donne pas).

local cibles = {}
local rang = 0

function init(args)
  for ligne in io.lines(args[1]) do
    local chemin, cookie = ligne:match("^(%S+)%s*(.*)$")
    if chemin then
      table.insert(cibles, { chemin, cookie })
    end
  end
  rang = math.random(#cibles) - 1
end

function request()
  rang = rang % #cibles + 1
  local cible = cibles[rang]
  local entetes = {}
  if cible[2] ~= "" then
    entetes["Cookie"] = cible[2]
  end
  return wrk.format("GET", cible[1], entetes)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULTAT requetes=%d duree_us=%d p50_us=%d p90_us=%d p95_us=%d p99_us=%d max_us=%d "
      .. "connexion=%d lecture=%d ecriture=%d statut=%d delai=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90),
    latency:percentile(95), latency:percentile(99), latency.max,
    e.connect, e.read, e.write, e.status, e.timeout
  ))
end
