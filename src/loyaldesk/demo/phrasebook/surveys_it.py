"""Italian survey phrasebook: customers' comments and team leads' recovery notes (pure data).

Same keys as ``surveys_en``. ``{product}`` is a masculine noun phrase that may start with a
vowel or "s" + consonant, so it follows a possessive ("il mio"); sentences avoid agreeing with
the writer's gender.
"""

VERBATIMS = {
    "opening": {
        "positive": [
            "Gestione davvero ottima.",
            "Servizio eccellente, grazie.",
            "Un'ottima esperienza nel complesso.",
            "Davvero bravi, grazie a tutto il team.",
            "Sinceramente, niente da dire.",
            "Una bella sorpresa, lo ammetto.",
        ],
        "mixed": [
            "Alla fine si è risolto, ma non è stato perfetto.",
            "Nel complesso va bene, ma si può migliorare.",
            "Un giudizio a metà.",
            "Né bene né male.",
            "Il problema alla fine è stato risolto.",
            "Discreto, anche se poteva essere più semplice.",
        ],
        "negative": [
            "Una vera delusione.",
            "Sinceramente, una brutta esperienza.",
            "Per niente all'altezza.",
            "Mi aspettavo molto di più da voi.",
            "Un'esperienza frustrante dall'inizio alla fine.",
            "Sto pensando di rivolgermi altrove.",
        ],
    },
    "praise": {
        "speed": [
            "Avete risposto rapidamente.",
            "La risposta è arrivata entro un'ora, non me lo aspettavo.",
            "Veloci ed efficaci.",
            "Tutto risolto in giornata.",
            "Nessuna attesa, e l'ho apprezzato.",
        ],
        "competence": [
            "La risposta era chiara e ha risolto il mio problema.",
            "Chi mi ha seguito sapeva esattamente cosa fare.",
            "Spiegazioni chiare, e ha funzionato al primo colpo.",
            "Avete capito subito il problema.",
            "Risposte precise e competenti.",
        ],
        "kindness": [
            "Gentilezza e pazienza dall'inizio alla fine.",
            "Molto cortesi e disponibili.",
            "Vi siete presi il tempo di ascoltarmi.",
            "Gentili e rassicuranti, grazie.",
            "Uno scambio piacevole, cosa ormai rara.",
        ],
        "agent": [
            "Con {agent_name} è andato tutto liscio.",
            "Un grazie speciale a {agent_name}.",
            "{agent_name} ha fatto davvero il possibile.",
            "{agent_name} mi ha spiegato tutto con pazienza.",
            "Ringraziate {agent_name} da parte mia.",
        ],
        "product": [
            "E il mio {product} ora funziona perfettamente.",
            "Il mio {product} è come nuovo.",
            "Il mio {product} mi dà grande soddisfazione.",
            "Il mio {product} è ottimo, tra l'altro.",
            "Finalmente posso usare il mio {product}.",
        ],
        "company": [
            "Sono cliente da anni, ed ecco perché.",
            "Buoni prodotti e persone che ci tengono.",
            "Un negozio affidabile, lo consiglio agli amici.",
            "Prezzi onesti e consegne rapide.",
            "Trovate sempre una soluzione.",
        ],
    },
    "complaint": {
        "slow": [
            "Ci sono voluti giorni per avere una prima risposta.",
            "Troppo tempo per ottenere una risposta.",
            "Ho dovuto sollecitare prima che qualcuno rispondesse.",
            "Aspettare così tanto una risposta non è accettabile.",
            "Nessuno mi ha ricontattato per un'eternità.",
        ],
        "not_solved": [
            "Il mio problema non è ancora risolto.",
            "La pratica è stata chiusa ma non è stato riparato nulla.",
            "Ho ancora lo stesso problema.",
            "L'avete segnato come risolto, ma non lo è.",
            "Non mi è stata proposta nessuna vera soluzione.",
        ],
        "repeat": [
            "Ho dovuto rispiegare tutto più e più volte.",
            "Ho dovuto scrivere più volte per la stessa cosa.",
            "A ogni messaggio si ricominciava da capo.",
            "Ho dovuto ripetermi con persone diverse.",
            "Troppi messaggi per arrivare a una risposta.",
        ],
        "product": [
            "Il mio {product} non avrebbe dovuto guastarsi così presto.",
            "La qualità del mio {product} è deludente per il prezzo.",
            "Mi aspettavo di più dal mio {product}.",
            "Il mio {product} dà problemi dal primo giorno.",
            "Con quello che è costato il mio {product}, non dovrebbe succedere.",
        ],
        "competence": [
            "Le risposte erano vaghe e non mi hanno aiutato.",
            "Sembrava che nessuno sapesse cosa fare.",
            "Ho ricevuto una risposta standard che ignorava la mia domanda.",
            "Le istruzioni che mi avete dato non hanno funzionato.",
            "Mi è stata detta una cosa, poi un'altra.",
        ],
        "company": [
            "Il vostro servizio è peggiorato molto.",
            "I prezzi salgono e il servizio scende.",
            "È difficile parlare con qualcuno quando serve aiuto.",
            "Vi consigliavo, ora non più.",
            "Troppi problemi ultimamente.",
        ],
    },
    "closing": {
        "positive": [
            "Continuate così!",
            "Comprerò ancora da voi senza dubbio.",
            "Grazie ancora.",
            "Complimenti al team.",
        ],
        "mixed": [
            "Spero che la prossima volta vada meglio.",
            "Poteva andare meglio, poteva andare peggio.",
            "Un po' più di rapidità non guasterebbe.",
            "Ancora cliente, per ora.",
        ],
        "negative": [
            "Per favore, fate meglio.",
            "Ci penserò due volte prima di ordinare di nuovo.",
            "Qualcuno dovrebbe richiamarmi per questo.",
            "Molto deludente.",
        ],
    },
    "recovery_note": {
        "contacted": [
            "Chiamato il cliente, lasciato un messaggio.",
            "Parlato con il cliente, che ha spiegato cosa non è andato.",
            "Inviata un'email al cliente per fissare una richiamata.",
            "Cliente raggiunto al telefono; verifica in corso con il team.",
        ],
        "recovered": [
            "Scuse presentate e buono sconto offerto; il cliente è soddisfatto.",
            "Problema risolto durante la chiamata; il cliente è di nuovo contento.",
            "Organizzata una sostituzione; il cliente ci ha ringraziato.",
            "Spiegato l'accaduto e rimborsata la spedizione; il cliente è rassicurato.",
        ],
        "not_recovered": [
            "Il cliente è ancora scontento e non ha accettato la proposta.",
            "Nessuna risposta dopo tre tentativi.",
            "Il cliente ha chiesto di chiudere il suo account.",
            "Il cliente vuole un rimborso oltre la nostra autorità; chiuso.",
        ],
    },
}
