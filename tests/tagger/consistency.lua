-- tests/tagger/consistency.lua - what retag must keep true (store/keys.h),
-- checked over a whole event: run with EVAL, ARGV[1] = P ("rap:{EVENT}:").
-- Returns one line per broken rule (empty: all hold):
--   P n counts the posts whose th/se lists each theme and session;
--   a story's T is the union of its members' indexes;
--   a story is in the zset of every index of its T, and in no other.
local P = ARGV[1]
local gmatch = string.gmatch
local cnt, want, bad = {}, {}, {}
-- field k of a post's record, the string P p:PID (store/postmeta.h: each
-- value as its length, ':', its bytes; s is the 7th, themes the 18th,
-- sessions the 19th)
local function meta(v, k)
  local pos = 1
  for q = 1, k do
    local c = v and string.find(v, ':', pos, true)
    local n = c and tonumber(string.sub(v, pos, c - 1))
    if not n then return '' end
    if q == k then return string.sub(v, c + 1, c + n) end
    pos = c + 1 + n
  end
end
for _, pid in ipairs(redis.call('ZRANGE', P..'posts', 0, -1)) do
  local v = redis.call('GET', P..'p:'..pid)
  local r = { meta(v, 18), meta(v, 19), meta(v, 7) }
  local w = want[r[3]] or {}
  want[r[3]] = w
  for id in gmatch(r[1] or '', '[^,]+') do cnt['th:'..id] = (cnt['th:'..id] or 0) + 1; w['th:'..id] = true end
  for id in gmatch(r[2] or '', '[^,]+') do cnt['se:'..id] = (cnt['se:'..id] or 0) + 1; w['se:'..id] = true end
end
local n = redis.call('HGETALL', P..'n')
local seen = {}
for i = 1, #n, 2 do
  seen[n[i]] = true
  if tonumber(n[i+1]) ~= (cnt[n[i]] or 0) then
    bad[#bad+1] = 'P n '..n[i]..' = '..n[i+1]..', posts: '..(cnt[n[i]] or 0)
  end
end
for k, v in pairs(cnt) do
  if not seen[k] then bad[#bad+1] = 'P n lacks '..k..' ('..v..' posts)' end
end
for s, w in pairs(want) do
  local T = redis.call('HGET', P..'s:'..s, 'T') or ''
  local t = {}
  for ix in gmatch(T, '[^,]+') do
    t[ix] = true
    if not w[ix] then bad[#bad+1] = 'story '..s..': T has '..ix..', no member has' end
    if not redis.call('ZSCORE', P..ix..':s', s) then bad[#bad+1] = 'story '..s..' missing from '..ix..':s' end
  end
  for ix in pairs(w) do
    if not t[ix] then bad[#bad+1] = 'story '..s..': T lacks '..ix end
  end
end
for k in pairs(seen) do
  for _, s in ipairs(redis.call('ZRANGE', P..k..':s', 0, -1)) do
    if not (want[s] and want[s][k]) then bad[#bad+1] = k..':s holds story '..s..', no member in it' end
  end
end
table.sort(bad)
return bad
