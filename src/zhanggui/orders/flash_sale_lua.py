"""The Lua scripts of the Redis flash-sale path (``orders.flash_sale``). Each runs atomically
in Redis; every key is built from the prefix (ARGV[1]), which carries a hash tag
(``zg:{flash}``), so all keys live in one slot.

Keys (P = prefix):
- ``P:stock`` hash: SKU id → units still free for flash-sale orders (the SKU's available
  stock in active warehouses minus the pending reservations);
- ``P:sale:<promotion>`` hash: ``cap`` (units left under the stock cap, -1 unlimited) and
  ``limit`` (the per-buyer limit, -1 none);
- ``P:buyers:<promotion>`` hash: customer id → units taken (sold + pending);
- ``P:pending`` hash: token → reservation (JSON: ``b`` buyer, ``t`` time, ``s`` SKU → units,
  ``f`` promotion → flash units, ``a`` 1 once the reconciliation saw the order in the
  database: the counters then hold it through the database's figures);
- ``P:confirmed`` hash: token → the reservation with the flash units its order really took,
  kept until a reconciliation sees the order in the database;
- ``P:sales`` set: promotions with counters.
"""

# ARGV: prefix, token, buyer, now, request JSON {"lines": [[sku, units, [sale, …]], …],
# "sales": [sale, …]}. Returns {"init", missing…} when counters are missing, {"stock", sku,
# left} when a SKU has fewer units left than asked (nothing written), else {"ok", sale,
# units, …}: the reservation is recorded and the counters taken.
RESERVE = """
local P, token, buyer, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local req = cjson.decode(ARGV[5])
local missing = {}
for _, pid in ipairs(req.sales) do
  if redis.call('EXISTS', P .. ':sale:' .. pid) == 0 then table.insert(missing, 'sale:' .. pid) end
end
for _, line in ipairs(req.lines) do
  if redis.call('HEXISTS', P .. ':stock', line[1]) == 0 then table.insert(missing, 'stock:' .. line[1]) end
end
if #missing > 0 then
  table.insert(missing, 1, 'init')
  return missing
end
for _, line in ipairs(req.lines) do
  local left = tonumber(redis.call('HGET', P .. ':stock', line[1]))
  if left < line[2] then return {'stock', line[1], tostring(left)} end
end
local cap, own, grant = {}, {}, {}
for _, pid in ipairs(req.sales) do
  local s = redis.call('HMGET', P .. ':sale:' .. pid, 'cap', 'limit')
  cap[pid] = tonumber(s[1])
  local limit = tonumber(s[2])
  if limit >= 0 then
    local taken = tonumber(redis.call('HGET', P .. ':buyers:' .. pid, buyer) or '0')
    own[pid] = math.max(limit - taken, 0)
  else
    own[pid] = -1
  end
  grant[pid] = 0
end
local record = {b = buyer, t = tonumber(now), s = {}, f = {}}
for _, line in ipairs(req.lines) do
  record.s[line[1]] = line[2]
  redis.call('HINCRBY', P .. ':stock', line[1], -line[2])
  for _, pid in ipairs(line[3]) do
    local units = line[2]
    if cap[pid] >= 0 then units = math.min(units, cap[pid]) end
    if own[pid] >= 0 then units = math.min(units, own[pid]) end
    if units > 0 then
      if cap[pid] >= 0 then cap[pid] = cap[pid] - units end
      if own[pid] >= 0 then own[pid] = own[pid] - units end
      grant[pid] = grant[pid] + units
    end
  end
end
local out = {'ok'}
for _, pid in ipairs(req.sales) do
  record.f[pid] = grant[pid]
  if grant[pid] > 0 then
    if cap[pid] >= 0 then redis.call('HINCRBY', P .. ':sale:' .. pid, 'cap', -grant[pid]) end
    redis.call('HINCRBY', P .. ':buyers:' .. pid, buyer, grant[pid])
  end
  table.insert(out, pid)
  table.insert(out, grant[pid])
end
redis.call('HSET', P .. ':pending', token, cjson.encode(record))
return out
"""

# Gives a pending reservation's units back to the counters it was taken from.
_GIVE_BACK = """
local function give_back(P, rec, stock_too, flash)
  if stock_too then
    for sku, units in pairs(rec.s) do
      if redis.call('HEXISTS', P .. ':stock', sku) == 1 then
        redis.call('HINCRBY', P .. ':stock', sku, units)
      end
    end
  end
  for pid, units in pairs(flash) do
    if units > 0 and redis.call('EXISTS', P .. ':sale:' .. pid) == 1 then
      if tonumber(redis.call('HGET', P .. ':sale:' .. pid, 'cap')) >= 0 then
        redis.call('HINCRBY', P .. ':sale:' .. pid, 'cap', units)
      end
      redis.call('HINCRBY', P .. ':buyers:' .. pid, rec.b, -units)
    end
  end
end
"""

# ARGV: prefix, token, now, JSON {sale: units the order took}. The pending entry becomes a
# confirmed one; flash units granted but not taken (the engine chose another offer, the
# buyer was not eligible) are given back. Returns 1, 2 (already counted by a
# reconciliation) or 0 (no such pending reservation).
CONFIRM = _GIVE_BACK + """
local P, token = ARGV[1], ARGV[2]
local raw = redis.call('HGET', P .. ':pending', token)
if not raw then return 0 end
redis.call('HDEL', P .. ':pending', token)
local rec = cjson.decode(raw)
if rec.a == 1 then return 2 end
local taken = cjson.decode(ARGV[4])
local unused = {}
for pid, units in pairs(rec.f) do
  local used = math.min(tonumber(taken[pid] or 0), units)
  unused[pid] = units - used
  rec.f[pid] = used
end
give_back(P, rec, false, unused)
rec.t = tonumber(ARGV[3])
redis.call('HSET', P .. ':confirmed', token, cjson.encode(rec))
return 1
"""

# ARGV: prefix, token. Gives every unit of a pending reservation back. Returns 1, 2 (its
# order was seen in the database: nothing to give back) or 0 (no such reservation).
RELEASE = _GIVE_BACK + """
local P, token = ARGV[1], ARGV[2]
local raw = redis.call('HGET', P .. ':pending', token)
if not raw then return 0 end
redis.call('HDEL', P .. ':pending', token)
local rec = cjson.decode(raw)
if rec.a == 1 then return 2 end
give_back(P, rec, true, rec.f)
return 1
"""

# ARGV: prefix, truth JSON {"sales": {sale: {"cap": n|-1, "limit": n|-1, "buyers": {b: n}}},
# "stock": {sku: available}, "existing": [token, …], "drop_stock": bool}: the database's
# figures read in one snapshot and the tokens whose order that snapshot holds. Every counter
# is set to the database's figure minus the reservations whose order it does not hold yet;
# those it holds are marked (pending) or dropped (confirmed). Sales not in the truth lose
# their counters. Returns JSON: the counters that changed, old → new.
REDERIVE = """
local P = ARGV[1]
local truth = cjson.decode(ARGV[2])
local existing = {}
for _, t in ipairs(truth.existing) do existing[t] = true end
local cap, buyers, stock = {}, {}, {}
for pid, s in pairs(truth.sales) do
  cap[pid] = s.cap
  buyers[pid] = {}
  for b, u in pairs(s.buyers) do buyers[pid][b] = u end
end
for sku, units in pairs(truth.stock) do stock[sku] = units end
local function count(hkey, is_pending)
  local all = redis.call('HGETALL', hkey)
  for i = 1, #all, 2 do
    local token, rec = all[i], cjson.decode(all[i + 1])
    if existing[token] or rec.a == 1 then
      if is_pending and rec.a ~= 1 then
        rec.a = 1
        redis.call('HSET', hkey, token, cjson.encode(rec))
      elseif not is_pending then
        redis.call('HDEL', hkey, token)
      end
    else
      for sku, units in pairs(rec.s) do
        if stock[sku] ~= nil then stock[sku] = stock[sku] - units end
      end
      for pid, units in pairs(rec.f) do
        if cap[pid] ~= nil and units > 0 then
          if cap[pid] >= 0 then cap[pid] = cap[pid] - units end
          buyers[pid][rec.b] = (buyers[pid][rec.b] or 0) + units
        end
      end
    end
  end
end
count(P .. ':pending', true)
count(P .. ':confirmed', false)
local changed = {}
local function set(key, field, value)
  local old = redis.call('HGET', key, field)
  local new = tostring(value)
  if old ~= new then
    table.insert(changed, {key .. ' ' .. field, old or cjson.null, new})
    redis.call('HSET', key, field, new)
  end
end
for _, pid in ipairs(redis.call('SMEMBERS', P .. ':sales')) do
  if cap[pid] == nil then
    redis.call('DEL', P .. ':sale:' .. pid, P .. ':buyers:' .. pid)
    redis.call('SREM', P .. ':sales', pid)
    table.insert(changed, {P .. ':sale:' .. pid, 'live', cjson.null})
  end
end
for pid, left in pairs(cap) do
  local key = P .. ':sale:' .. pid
  set(key, 'cap', left)
  set(key, 'limit', truth.sales[pid].limit)
  redis.call('SADD', P .. ':sales', pid)
  local bkey = P .. ':buyers:' .. pid
  local old = redis.call('HGETALL', bkey)
  local before, moved = {}, 0
  for i = 1, #old, 2 do before[old[i]] = old[i + 1] end
  redis.call('DEL', bkey)
  for b, u in pairs(buyers[pid]) do
    if u > 0 then
      redis.call('HSET', bkey, b, tostring(u))
      if before[b] ~= tostring(u) then moved = moved + 1 end
    end
    before[b] = nil
  end
  for _, u in pairs(before) do
    if u ~= '0' then moved = moved + 1 end
  end
  if moved > 0 then table.insert(changed, {bkey, 'buyers', tostring(moved)}) end
end
if truth.drop_stock then
  redis.call('DEL', P .. ':stock')
else
  for sku, left in pairs(stock) do set(P .. ':stock', sku, left) end
end
return cjson.encode(changed)
"""
