"""English survey phrasebook: customers' comments and team leads' recovery notes (pure data).

A comment is an opening of its sentiment, one or two sentences on what went well ("praise")
or badly ("complaint"), and sometimes a closing. ``{agent_name}`` is the first name of the
agent who solved the case; ``{product}`` is the product it was about.
"""

VERBATIMS = {
    "opening": {
        "positive": [
            "Very happy with how this was handled.",
            "Great service, thank you.",
            "Excellent experience overall.",
            "Really pleased, thank you all.",
            "Honestly, top marks.",
            "Impressive, to be honest.",
        ],
        "mixed": [
            "It was fine in the end, but not perfect.",
            "OK overall, with some room for improvement.",
            "Mixed feelings about this one.",
            "Not bad, not great.",
            "It got sorted, eventually.",
            "Decent, though it could have been smoother.",
        ],
        "negative": [
            "Very disappointing.",
            "Honestly, this was a poor experience.",
            "Not happy at all.",
            "Frankly, I expected much better from you.",
            "This was frustrating from start to finish.",
            "I am close to taking my business elsewhere.",
        ],
    },
    "praise": {
        "speed": [
            "You answered quickly.",
            "The reply came within the hour, which I did not expect.",
            "Fast and to the point.",
            "It was sorted the same day.",
            "No waiting around, which I appreciated.",
        ],
        "competence": [
            "The answer was clear and solved my problem.",
            "The person I dealt with knew exactly what to do.",
            "Clear explanations, and it worked first time.",
            "You understood the problem straight away.",
            "Knowledgeable and precise.",
        ],
        "kindness": [
            "Friendly and patient throughout.",
            "Very polite and helpful.",
            "You took the time to listen.",
            "Kind and reassuring, thank you.",
            "A pleasant exchange, which is rare these days.",
        ],
        "agent": [
            "{agent_name} was brilliant.",
            "Special thanks to {agent_name}.",
            "{agent_name} really went the extra mile.",
            "{agent_name} took the time to explain everything.",
            "Please pass my thanks on to {agent_name}.",
        ],
        "product": [
            "And the {product} works perfectly now.",
            "My {product} is as good as new.",
            "I am very happy with my {product}.",
            "The {product} is excellent, by the way.",
            "Now I can finally enjoy my {product}.",
        ],
        "company": [
            "I have been a customer for years and this is why.",
            "Good products and people who care.",
            "A reliable shop, I recommend it to friends.",
            "Fair prices and quick delivery.",
            "You always sort things out.",
        ],
    },
    "complaint": {
        "slow": [
            "It took days to get a first answer.",
            "Far too long to get a reply.",
            "I had to chase you before anyone answered.",
            "Waiting that long for a response is not acceptable.",
            "Nobody got back to me for ages.",
        ],
        "not_solved": [
            "My problem is still not solved.",
            "The case was closed but nothing was fixed.",
            "I still have the same issue.",
            "You marked it as resolved, it is not.",
            "No real solution was offered.",
        ],
        "repeat": [
            "I had to explain everything again and again.",
            "I had to write several times about the same thing.",
            "Every message meant starting from scratch.",
            "I had to repeat myself to different people.",
            "It took far too many messages.",
        ],
        "product": [
            "My {product} should not have failed so soon.",
            "The quality of my {product} is disappointing for the price.",
            "I expected more from the {product}.",
            "My {product} has been trouble from day one.",
            "For what the {product} cost, this should not happen.",
        ],
        "competence": [
            "The answers were vague and did not help.",
            "It felt like nobody really knew what to do.",
            "I got a generic reply that ignored my question.",
            "The instructions I was given did not work.",
            "I was told one thing, then another.",
        ],
        "company": [
            "Your service has gone downhill.",
            "Prices keep going up while the service goes down.",
            "It is hard to reach anyone when you need help.",
            "I used to recommend you, not any more.",
            "Too many problems lately.",
        ],
    },
    "closing": {
        "positive": [
            "Keep it up!",
            "I will definitely buy from you again.",
            "Thanks again.",
            "Well done to the team.",
        ],
        "mixed": [
            "I hope it goes better next time.",
            "Could be better, could be worse.",
            "A bit more speed would help.",
            "Still a customer, for now.",
        ],
        "negative": [
            "Please do better.",
            "I will think twice before ordering again.",
            "Someone should call me about this.",
            "Very poor.",
        ],
    },
    "recovery_note": {
        "contacted": [
            "Called the customer, left a message.",
            "Spoke to the customer, who explained what went wrong.",
            "Emailed the customer to arrange a call back.",
            "Reached the customer by phone; checking with the team.",
        ],
        "recovered": [
            "Apologised and offered a goodwill voucher; the customer was satisfied.",
            "Problem fixed during the call; the customer is happy again.",
            "Arranged a replacement; the customer thanked us.",
            "Explained what happened and refunded the delivery; the customer was reassured.",
        ],
        "not_recovered": [
            "The customer is still unhappy and did not accept the offer.",
            "No answer after three attempts.",
            "The customer asked to close their account.",
            "The customer wants a refund beyond our authority; closed.",
        ],
    },
}
