#!/usr/bin/env python3
"""Render a chat script (.chat DSL) into X API v2 filtered-stream JSONL + labels + plan.
DSL:
  tag: #Tag
  name: es-farms
  topic: ...
  start: 2026-11-03T19:00:00Z
  langs: es,en            (first is default)
  host: handle
  comods: a,b
  guests: a,b,c
  user: handle | Display Name
  ---
  MM:SS handle [k=key] [r=key] [rt=key] [q=N] [a=N] [aq] [pr=family] [l=xx] [qmain] :: text ## note
"""
import sys, json, re, hashlib, datetime, os

STOP = {
 'en': set('the and you to is of for a in my we it what how our with this that are be on your i'.split()),
 'es': set('el la los las de que y en un una es por para con mi nuestro lo se del muy pero'.split()),
 'pt': set('o a os as de que e em um uma é para com não do da no na meu nosso mas muito'.split()),
 'de': set('der die das und ist ich wir nicht mit ein eine zu auf für den dem es bei uns mein auch noch'.split()),
 'it': set('il lo la i gli le di che e è un una per con non mi ci del della nel sono ho anche ma molto'.split()),
 'fr': set('le la les de des que et en un une est pour avec mon nous je ce qui pas du au sur'.split()),
}

def uid(h):
    return str(int(hashlib.sha1(h.encode()).hexdigest()[:12], 16) % 10**15 + 10**8)

def detect(text, langs):
    if len(langs) == 1: return langs[0]
    words = re.findall(r"[a-zà-ÿ']+", text.lower())
    best, bs = langs[0], -1
    for l in langs:
        s = sum(1 for w in words if w in STOP[l])
        if s > bs: best, bs = l, s
    return best

def clean_q(t, tag):
    t = re.sub(re.escape(tag), '', t, flags=re.I).strip()
    t = re.sub(r'^[^\w\[]*\[?(?i:QUESTION|Pregunta|Pergunta|Frage|Domanda|Q|P|F|D)?\s*\.?\s*\d+\]?\s*(?:\([^)]*\))?\s*(?:->|[:.\-|/)→➜➡️>\s])*', '', t).strip()
    return t

def main(path):
    hdr, posts = {}, []
    users = {}
    body = False
    for ln, line in enumerate(open(path, encoding='utf-8'), 1):
        line = line.rstrip('\n')
        if not line.strip() or line.startswith('//'): continue
        if line.strip() == '---': body = True; continue
        if not body:
            k, v = line.split(':', 1)
            if k == 'user':
                h, n = v.split('|', 1); users[h.strip()] = n.strip()
            else:
                hdr[k.strip()] = v.strip()
            continue
        meta, text = line.split(' :: ', 1)
        note = ''
        if ' ## ' in text:
            text, note = text.split(' ## ', 1)
        toks = meta.split()
        mm, ss = toks[0].split(':'); t = int(mm) * 60 + int(ss)
        p = dict(ts=toks[0], t=t, h=toks[1], text=text.strip(), note=note.strip(), ln=ln, k=None, r=None, rt=None,
                 q=None, a=None, aq=False, pr=None, l=None, qmain=False, notag=False)
        for tok in toks[2:]:
            if tok == 'aq': p['aq'] = True
            elif tok == 'qmain': p['qmain'] = True
            elif tok == 'notag': p['notag'] = True
            else:
                k, v = tok.split('=', 1)
                if k in ('q', 'a'): v = int(v)
                p[{'pr': 'pr'}.get(k, k)] = v
        if p['h'] not in users: sys.exit(f'{path}:{ln}: unknown user {p["h"]}')
        posts.append(p)
    # stable sort by time
    posts.sort(key=lambda p: p['t'])
    name = hdr['name']; tag = hdr['tag']; langs = hdr['langs'].split(',')
    start = datetime.datetime.strptime(hdr['start'], '%Y-%m-%dT%H:%M:%SZ')
    host = hdr['host']; comods = [x for x in hdr.get('comods', '').split(',') if x]
    guests = [x for x in hdr.get('guests', '').split(',') if x]
    base = int(hdr.get('idbase', '2127000000000000000'))
    keys = {}
    out, labs = [], []
    uc = 0
    for i, p in enumerate(posts):
        tid = str(base + p['t'] * 4194304000 + i * 7919 + (int(hashlib.md5(str(i).encode()).hexdigest()[:4], 16)))
        p['id'] = tid
        if p['k']:
            if p['k'] in keys: sys.exit(f'dup key {p["k"]}')
            keys[p['k']] = p
        keys[p['h'] + '@' + p['ts']] = p
        text = p['text']
        refs = []
        conv = tid
        irt = None
        if p['rt']:
            o = keys[p['rt']]
            text = f"RT @{o['h']}: {o['rawtext']}"
            refs.append({'type': 'retweeted', 'id': o['id']})
            conv = tid
        if p['r']:
            o = keys.get(p['r'])
            if o is None: sys.exit(f'{path}:{p["ln"]}: reply to unknown/later key {p["r"]}')
            refs.append({'type': 'replied_to', 'id': o['id']})
            conv = o['conv']; irt = uid(o['h'])
        # urls -> t.co
        urls = []
        def sub(m):
            nonlocal uc
            uc += 1
            full = m.group(0).rstrip('.,)')
            tail = m.group(0)[len(full):]
            short = 'https://t.co/' + hashlib.md5((name + full + str(uc)).encode()).hexdigest()[:10]
            disp = re.sub(r'^https?://(www\.)?', '', full)
            if len(disp) > 26: disp = disp[:25] + '…'
            urls.append((short, full, disp))
            return short + tail
        if not p['rt']:
            text = re.sub(r'https?://\S+', sub, text)
        else:
            text = text  # already t.co'd in rawtext
        p['rawtext'] = text
        p['conv'] = conv
        if tag.lower() not in text.lower() and not p['rt'] and not p['notag']:
            print(f'WARN {path}:{p["ln"]}: no hashtag: {text[:60]}', file=sys.stderr)
        ent = {}
        hs = [{'start': m.start(), 'end': m.end(), 'tag': m.group(1)} for m in re.finditer(r'#(\w+)', text)]
        if hs: ent['hashtags'] = hs
        us = []
        for short, full, disp in urls:
            j = text.find(short)
            us.append({'start': j, 'end': j + len(short), 'url': short, 'expanded_url': full, 'display_url': disp})
        if p['rt']:
            o = keys[p['rt']]
            for short, full, disp in o.get('urls', []):
                j = text.find(short)
                us.append({'start': j, 'end': j + len(short), 'url': short, 'expanded_url': full, 'display_url': disp})
        p['urls'] = urls if not p['rt'] else keys[p['rt']].get('urls', [])
        if us: ent['urls'] = us
        ms = [{'start': m.start(), 'end': m.end(), 'username': m.group(1), 'id': uid(m.group(1))} for m in re.finditer(r'(?<![\w])@(\w{1,15})', text)]
        if ms: ent['mentions'] = ms
        ts = start + datetime.timedelta(seconds=p['t'])
        lang = p['l'] or detect(text, langs)
        d = {'id': tid, 'text': text, 'author_id': uid(p['h']), 'created_at': ts.strftime('%Y-%m-%dT%H:%M:%S.000Z'),
             'conversation_id': conv, 'edit_history_tweet_ids': [tid]}
        if irt: d['in_reply_to_user_id'] = irt
        if refs: d['referenced_tweets'] = refs
        d['lang'] = lang
        d['entities'] = ent
        h = int(hashlib.md5(tid.encode()).hexdigest()[:6], 16)
        d['public_metrics'] = {'retweet_count': h % 4 if not p['rt'] else 0, 'reply_count': 0, 'like_count': h % 17, 'quote_count': 0}
        out.append({'data': d, 'includes': {'users': [{'id': uid(p['h']), 'name': users[p['h']], 'username': p['h']}]},
                    'matching_rules': ([{'id': '2', 'tag': 'from:' + host}] if p['notag'] else [{'id': '1', 'tag': tag.lstrip('#').lower()}])})
        role = 'host' if p['h'] == host else 'comod' if p['h'] in comods else 'guest' if p['h'] in guests else 'participant'
        labs.append({'id': tid, 'author': p['h'], 'role': role, 'question': p['q'], 'answers': p['a'],
                     'audience_question': p['aq'], 'promo': p['pr'], 'note': p['note']})
    d = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'chats') + os.sep
    with open(d + name + '.jsonl', 'w', encoding='utf-8') as f:
        for o in out: f.write(json.dumps(o, ensure_ascii=False) + '\n')
    with open(d + name + '.labels.jsonl', 'w', encoding='utf-8') as f:
        for o in labs: f.write(json.dumps(o, ensure_ascii=False) + '\n')
    qs = {}
    for p in posts:
        if p['q'] is not None and not p['rt']:
            if p['q'] not in qs or p['qmain']: qs[p['q']] = clean_q(p['rawtext'], tag)
    def tq(s): return json.dumps(s, ensure_ascii=False)
    with open(d + name + '.plan.toml', 'w', encoding='utf-8') as f:
        f.write(f'tag = {tq(tag)}\ntopic = {tq(hdr["topic"])}\nhost = {tq(host)}\n')
        f.write(f'guests = [{", ".join(tq(g) for g in guests)}]\n')
        f.write(f'co_moderators = [{", ".join(tq(g) for g in comods)}]\n')
        f.write('questions = [\n' + ''.join(f'  {tq(qs[n])},\n' for n in sorted(qs)) + ']\n')
    print(name, len(out), 'posts')

if __name__ == '__main__':
    for a in sys.argv[1:]: main(a)
