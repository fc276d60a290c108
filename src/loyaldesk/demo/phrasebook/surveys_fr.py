"""French survey phrasebook: customers' comments and team leads' recovery notes (pure data).

Same keys as ``surveys_en``. ``{product}`` is a masculine noun phrase that may start with a
vowel, so it follows a possessive ("mon"); sentences avoid agreeing with the writer's gender.
"""

VERBATIMS = {
    "opening": {
        "positive": [
            "Très bonne prise en charge.",
            "Excellent service, merci.",
            "Une très bonne expérience dans l'ensemble.",
            "Vraiment top, merci à toute l'équipe.",
            "Franchement, rien à redire.",
            "Une belle surprise, je l'avoue.",
        ],
        "mixed": [
            "Au final ça s'est arrangé, mais ce n'était pas parfait.",
            "Correct dans l'ensemble, mais peut mieux faire.",
            "Un avis mitigé.",
            "Ni bien ni mal.",
            "Le problème a fini par être réglé.",
            "Correct, même si cela aurait pu être plus simple.",
        ],
        "negative": [
            "Une vraie déception.",
            "Franchement, une mauvaise expérience.",
            "Pas du tout à la hauteur.",
            "J'attendais beaucoup mieux de votre part.",
            "Une expérience frustrante du début à la fin.",
            "Je suis à deux doigts d'aller voir ailleurs.",
        ],
    },
    "praise": {
        "speed": [
            "Vous avez répondu rapidement.",
            "La réponse est arrivée dans l'heure, je ne m'y attendais pas.",
            "Rapide et efficace.",
            "Tout a été réglé dans la journée.",
            "Pas d'attente, c'est appréciable.",
        ],
        "competence": [
            "La réponse était claire et a réglé mon problème.",
            "Mon interlocuteur savait exactement quoi faire.",
            "Des explications claires, et ça a marché du premier coup.",
            "Vous avez compris le problème tout de suite.",
            "Des réponses précises et compétentes.",
        ],
        "kindness": [
            "De l'amabilité et de la patience du début à la fin.",
            "Un accueil très poli et serviable.",
            "Vous avez pris le temps de m'écouter.",
            "Gentillesse et patience, merci.",
            "Un échange agréable, c'est devenu rare.",
        ],
        "agent": [
            "{agent_name} a été formidable.",
            "Un grand merci à {agent_name}.",
            "{agent_name} a vraiment fait le maximum.",
            "{agent_name} a pris le temps de tout m'expliquer.",
            "Transmettez mes remerciements à {agent_name}.",
        ],
        "product": [
            "Et mon {product} fonctionne parfaitement maintenant.",
            "Mon {product} est comme neuf.",
            "Mon {product} me donne entière satisfaction.",
            "Mon {product} est excellent, d'ailleurs.",
            "Je peux enfin profiter de mon {product}.",
        ],
        "company": [
            "Client depuis des années, et voilà pourquoi.",
            "De bons produits et des gens qui s'en soucient.",
            "Une enseigne fiable, je la recommande à mes amis.",
            "Des prix corrects et une livraison rapide.",
            "Vous trouvez toujours une solution.",
        ],
    },
    "complaint": {
        "slow": [
            "Il a fallu des jours pour avoir une première réponse.",
            "Beaucoup trop long pour obtenir une réponse.",
            "J'ai dû relancer avant que quelqu'un réponde.",
            "Attendre aussi longtemps une réponse n'est pas acceptable.",
            "Personne ne m'a recontacté pendant une éternité.",
        ],
        "not_solved": [
            "Mon problème n'est toujours pas réglé.",
            "Le dossier a été clôturé mais rien n'a été réparé.",
            "J'ai toujours le même souci.",
            "Vous l'avez marqué comme résolu, ce n'est pas le cas.",
            "Aucune vraie solution ne m'a été proposée.",
        ],
        "repeat": [
            "J'ai dû tout réexpliquer encore et encore.",
            "J'ai dû écrire plusieurs fois pour la même chose.",
            "À chaque message, il fallait tout reprendre depuis le début.",
            "J'ai dû me répéter auprès de plusieurs personnes.",
            "Beaucoup trop de messages pour en arriver là.",
        ],
        "product": [
            "Mon {product} n'aurait pas dû tomber en panne si vite.",
            "La qualité de mon {product} est décevante pour le prix.",
            "J'attendais mieux de mon {product}.",
            "Mon {product} pose problème depuis le premier jour.",
            "Vu le prix de mon {product}, cela ne devrait pas arriver.",
        ],
        "competence": [
            "Les réponses étaient vagues et n'ont servi à rien.",
            "J'ai eu l'impression que personne ne savait quoi faire.",
            "J'ai reçu une réponse toute faite qui ignorait ma question.",
            "Les instructions qu'on m'a données n'ont pas marché.",
            "On m'a dit une chose, puis une autre.",
        ],
        "company": [
            "Votre service s'est nettement dégradé.",
            "Les prix augmentent et le service baisse.",
            "Difficile de joindre quelqu'un quand on a besoin d'aide.",
            "Je vous recommandais, ce n'est plus le cas.",
            "Trop de problèmes ces derniers temps.",
        ],
    },
    "closing": {
        "positive": [
            "Continuez comme ça !",
            "Je recommanderai chez vous sans hésiter.",
            "Merci encore.",
            "Bravo à l'équipe.",
        ],
        "mixed": [
            "J'espère que ce sera mieux la prochaine fois.",
            "Pourrait être mieux, pourrait être pire.",
            "Un peu plus de rapidité serait bienvenue.",
            "Toujours client, pour l'instant.",
        ],
        "negative": [
            "Faites mieux, s'il vous plaît.",
            "Je réfléchirai à deux fois avant de commander à nouveau.",
            "Quelqu'un devrait me rappeler à ce sujet.",
            "Très décevant.",
        ],
    },
    "recovery_note": {
        "contacted": [
            "Appel au client, message laissé.",
            "Échange avec le client, qui a expliqué ce qui n'allait pas.",
            "Courriel envoyé au client pour convenir d'un rappel.",
            "Client joint par téléphone ; vérification en cours avec l'équipe.",
        ],
        "recovered": [
            "Excuses présentées et bon d'achat offert ; le client est satisfait.",
            "Problème réglé pendant l'appel ; le client est de nouveau content.",
            "Remplacement organisé ; le client nous a remerciés.",
            "Explications données et livraison remboursée ; le client est rassuré.",
        ],
        "not_recovered": [
            "Le client reste mécontent et n'a pas accepté la proposition.",
            "Pas de réponse après trois tentatives.",
            "Le client a demandé la fermeture de son compte.",
            "Le client exige un remboursement hors de notre délégation ; clôturé.",
        ],
    },
}
