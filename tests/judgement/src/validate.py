import json, sys, glob, collections, tomllib
names = sys.argv[1:] or [n for n in ['es-farms','pt-math','en-nights','fr-oss','mix-remote','de-energy','it-libraries','fr-sante','en-devrel'] if __import__('os').path.exists(n+'.jsonl')]
allids=set(); ok=True
for n in names:
    P=[json.loads(l) for l in open(f'{n}.jsonl',encoding='utf-8')]
    L=[json.loads(l) for l in open(f'{n}.labels.jsonl',encoding='utf-8')]
    plan=tomllib.load(open(f'{n}.plan.toml','rb'))
    assert len(P)==len(L), n
    ids=[p['data']['id'] for p in P]
    assert len(set(ids))==len(ids), 'dup'
    assert not (set(ids)&allids), 'cross dup'; allids|=set(ids)
    assert all(int(a)<int(b) for a,b in zip(ids,ids[1:])), 'not increasing'
    ts=[p['data']['created_at'] for p in P]; assert ts==sorted(ts)
    byid={p['data']['id']:p for p in P}
    for p,l in zip(P,L):
        d=p['data']; assert d['id']==l['id']; assert p['includes']['users'][0]['username']==l['author']
        assert p['includes']['users'][0]['id']==d['author_id']
        t=d['text']
        for h in d['entities'].get('hashtags',[]): assert t[h['start']:h['end']]=='#'+h['tag'], (t,h)
        for m in d['entities'].get('mentions',[]): assert t[m['start']:m['end']]=='@'+m['username']
        for u in d['entities'].get('urls',[]): assert t[u['start']:u['end']]==u['url']
        if p['matching_rules'][0]['id']=='1': assert plan['tag'].lower()[1:] in t.lower(), t
        else: assert p['matching_rules'][0]['tag']=='from:'+plan['host'] and l['author']==plan['host'], t
        for r in d.get('referenced_tweets',[]):
            assert r['id'] in byid and int(r['id'])<int(d['id'])
            if r['type']=='retweeted': assert t.startswith('RT @')
            if r['type']=='replied_to': assert d['in_reply_to_user_id']==byid[r['id']]['data']['author_id']
        roles={'host':[plan['host']],'comod':plan['co_moderators'],'guest':plan['guests']}
        exp='participant'
        for k,v in roles.items():
            if l['author'] in v: exp=k
        assert l['role']==exp
        if l['question'] is not None: assert l['role'] in ('host','comod')
    span=(len(set(ts)))
    c=collections.Counter()
    for l in L:
        c['role:'+l['role']]+=1
        if l['question'] is not None: c['question_posts']+=1
        if l['answers'] is not None: c['answers']+=1
        if l['audience_question']: c['audience_question']+=1
        if l['promo']: c['promo:'+l['promo']]+=1; c['promo_total']+=1
        if l['note']: c['with_note']+=1
    qs=sorted({l['question'] for l in L if l['question']})
    print(f"{n}: {len(P)} posts, {ts[0]} -> {ts[-1]}, questions {qs}, plan questions {len(plan['questions'])}")
    print('   ', dict(sorted(c.items())))
print('ALL OK')
