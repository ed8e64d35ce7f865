import sys,re
f=sys.argv[1]; pairs=sys.argv[2:]
L=open(f,encoding='utf-8').read().split('\n')
for p in pairs:
    pre,k=p.rsplit('=',1)
    n=0
    for i,l in enumerate(L):
        if l.startswith(pre+' '):
            L[i]=pre+' k='+k+l[len(pre):]; n+=1
    if n!=1: print('MISS',p,n)
open(f,'w',encoding='utf-8').write('\n'.join(L))
