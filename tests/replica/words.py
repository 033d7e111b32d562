"""Word banks and sentence templates for the invented stories of the replica.

Every sentence here was written for this fixture; the people, companies and clubs are
invented.  Templates use ``str.format`` slots filled by :mod:`tests.replica.text`:
``{q1}``/``{q2}`` open/close a quotation, ``{ap}`` is the story's apostrophe character.
Leads of undated stories (opinion, blogs) never contain a dash, so that nothing in them
can be mistaken for a dateline.
"""

CATEGORIES = {
    "news-middle-east": "Middle East", "features": "Features", "interviews": "Interviews",
    "business": "Business", "opinion": "Opinion", "majalla-blogs": "Majalla Blogs", "sports": "Sports",
}
# Relative share of the stories each category gets.
CATEGORY_WEIGHTS = {
    "opinion": 25, "news-middle-east": 24, "features": 18, "business": 16, "interviews": 14,
    "majalla-blogs": 12, "sports": 11,
}
AUTHORS = [  # (display name, slug)
    ("Huda Al-Mansour", "huda-al-mansour"), ("Tarek Fadel", "tarek-fadel"), ("Mina Sarraf", "mina-sarraf"),
    ("Omar Al-Shammari", "omar-al-shammari"), ("Layla Haddad", "layla-haddad"),
    ("Walid Kassem", "walid-kassem"), ("Rana Azzam", "rana-azzam"), ("Asharq Al-Awsat", "asharq-al-awsat"),
    ("Dalia Said", "dalia-said"),
]
COLUMNISTS = [
    ("Samia Bakri", "samia-bakri"), ("Youssef Darwish", "youssef-darwish"), ("Khaled Jaber", "khaled-jaber"),
    ("Bassem Nour", "bassem-nour"),
]
# Joint bylines: the slug is spelled differently from the single-author slugs.
JOINT_AUTHORS = [
    (("Omar Al-Shammari", "Rana Azzam"), "omar-alshammari-and-rana-azam"),
    (("Tarek Fadel", "Mina Sarraf"), "tarek-fadel-and-mina-saraf"),
    (("Layla Haddad", "Dalia Said"), "layla-hadad-and-dalia-said"),
]
TAGS = [  # (slug, display)
    ("iraq", "Iraq"), ("syria", "Syria"), ("lebanon", "Lebanon"), ("egypt", "Egypt"),
    ("saudi-arabia", "Saudi Arabia"), ("yemen", "Yemen"), ("gcc", "GCC"), ("oil", "Oil"),
    ("arab-league", "Arab League"), ("refugees", "Refugees"), ("elections", "Elections"),
    ("economy", "Economy"), ("football", "Football"), ("culture", "Culture"), ("water", "Water"),
    ("united-nations", "United Nations"),
]
COUNTRIES = [  # (name, adjective)
    ("Iraq", "Iraqi"), ("Syria", "Syrian"), ("Lebanon", "Lebanese"), ("Jordan", "Jordanian"),
    ("Egypt", "Egyptian"), ("Saudi Arabia", "Saudi"), ("Yemen", "Yemeni"), ("Kuwait", "Kuwaiti"),
    ("Bahrain", "Bahraini"), ("Oman", "Omani"), ("Qatar", "Qatari"), ("Libya", "Libyan"),
    ("Tunisia", "Tunisian"), ("Sudan", "Sudanese"), ("Morocco", "Moroccan"),
]
CITIES = [
    "Baghdad", "Damascus", "Beirut", "Amman", "Cairo", "Riyadh", "Sanaa", "Aden", "Manama", "Muscat", "Doha",
    "Tripoli", "Tunis", "Khartoum", "Basra", "Erbil", "Aleppo", "Homs", "Jeddah", "Dammam", "Alexandria",
    "Benghazi", "Sidon", "Irbid",
]
FIRST_NAMES = [
    "Adel", "Karim", "Sami", "Faris", "Hisham", "Nizar", "Jamal", "Fouad", "Marwan", "Rashid", "Salim",
    "Ghassan", "Hani", "Imad", "Nadia", "Hala", "Rima", "Souad",
]
LAST_NAMES = [
    "Qasimi", "Nouri", "Tamimi", "Rifai", "Jabri", "Sabbagh", "Khatib", "Mukhtar", "Hamdan", "Shaker",
    "Obeidi", "Halabi", "Karam", "Ghanem", "Baroudi", "Fakhoury",
]
OFFICE_TITLES = [
    "Foreign Minister", "Interior Minister", "Prime Minister", "Finance Minister", "Oil Minister",
    "Planning Minister", "army spokesman Colonel", "UN envoy", "opposition leader", "parliament speaker",
]
ORGS = [
    "the Arab League", "the Gulf Cooperation Council", "the United Nations", "the World Bank",
    "the European Union", "the International Monetary Fund", "the Red Crescent",
    "the Organization of Islamic Cooperation",
]
TOPICS = [  # (sentence form, title form)
    ("the water-sharing agreement", "Water Deal"), ("the border crossing", "Border Crossing"),
    ("the reconstruction fund", "Reconstruction Fund"), ("the ceasefire plan", "Ceasefire Plan"),
    ("the oil export deal", "Oil Export Deal"), ("the refugee return programme", "Refugee Returns"),
    ("the electricity grid project", "Power Grid Project"), ("the prisoner exchange", "Prisoner Exchange"),
    ("the new electoral law", "Electoral Law"), ("the port expansion", "Port Expansion"),
    ("the housing initiative", "Housing Plan"), ("the customs union", "Customs Union"),
    ("the grain import contract", "Grain Contract"), ("the coastal rail link", "Rail Link"),
    ("the aid convoy schedule", "Aid Convoys"), ("the desalination tender", "Desalination Tender"),
]
QUOTED_PHRASES = [
    "Safe Zone", "Grand Bargain", "Open Border", "Final Offer", "Quiet Period", "Unity Pact", "Green Line",
    "Last Chance",
]
COMPANIES = [
    "Gulf Petrochem", "Nile Cement Company", "Levant Telecom", "Al-Rawda Holding", "AT&T", "Procter & Gamble",
    "Red Sea Shipping", "Tigris Steel",
]
CLUBS = [
    "Al-Nour Club", "Riyadh Falcons", "Cairo Stars", "Gulf United", "Amman Eagles", "Tripoli Sporting",
    "Basra Harbour FC", "Doha Athletic",
]
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
    "November", "December",
]
INTERVIEWEES = [  # (title and full name, name used in brackets, surname)
    ("water council chief Dr. Salwa Mahdi", "Salwa Mahdi", "Mahdi"),
    ("Ambassador Fuad Rahal", "Fuad Rahal", "Rahal"),
    ("Planning Minister Ziad Kanaan", "Ziad Kanaan", "Kanaan"),
    ("General Munir Asfour", "Munir Asfour", "Asfour"), ("economist Reem Tawil", "Reem Tawil", "Tawil"),
    ("tribal leader Sheikh Adnan Hilal", "Adnan Hilal", "Hilal"),
]
PHOTOGRAPHERS = [
    "Nour Fakhoury", "Ziad Halabi", "Samer Rifai", "Ahmad Jabri", "Lina Sabbagh", "Fadi Karam",
    "Mazen Ghanem",
]
NEWS_TITLES = [
    "{country} and {country2} Agree to Revive {topic_t}", "{adj_c} Officials Deny Delay in {topic_t}",
    "Talks on {topic_t} Resume in {city}", "{city} Braces for Fuel Shortages as Winter Nears",
    "{org_t} Calls for Calm in {city}", "Clashes Erupt Near {city} Checkpoint",
    "{country}{ap}s Parliament Postpones Vote on {topic_t}",
    "{adj_c} Minister Rejects {q1}{phrase}{q2} Proposal", "Envoy Arrives in {city} With New {topic_t} Offer",
    "Protesters in {city} Demand Answers Over {topic_t}",
]
FEATURE_TITLES = [
    "The Last Coppersmiths of {city}", "Inside {city}{ap}s Night Markets", "A Library Rebuilt in {city}",
    "Young Coders of {city} Look for Investors", "{city} Fishermen Weigh an Uncertain Season",
    "The {q1}{phrase}{q2} Generation of {city}", "Old Cinemas of {city} Find a New Audience",
    "Date Farmers of {country} Count the Cost",
]
INTERVIEW_TITLES = [
    "Asharq Al-Awsat Talks to {iv_name}", "Interview With {iv_name}",
    "{iv_name} on {topic_t} and the Road Ahead", "{iv_name}: {q1}{phrase}{q2} Is Not a Slogan",
]
BUSINESS_TITLES = [
    "{company} Posts {pct} Percent Rise in Quarterly Profit", "{company} Weighs Entry Into {country} Market",
    "Gulf Bourses Slip as Oil Prices Fall", "{country} Opens Tender for {topic_t}",
    "{company} and {company2} Sign Supply Pact", "Investors Cautious Ahead of {adj_c} Budget",
    "{country}{ap}s Central Bank Holds Rates", "{company} Dismisses {q1}{phrase}{q2} Merger Talk",
]
OPINION_TITLES = [
    "The Limits of Patience in {city}", "Why {topic_t} Matters More Than Ever", "Lessons From {city}",
    "A Region Waiting for Good News", "What {country} Owes Its Youth", "The {q1}{phrase}{q2} Illusion",
    "Between {city} and {city2}", "After the Summit, the Hard Part",
]
BLOG_TITLES = [
    "Notes From {city}: {topic_t} Revisited", "Five Questions About {topic_t}",
    "Reading Between the Lines in {city}", "The Week in {country}", "The {q1}{phrase}{q2} Debate",
]
SPORTS_TITLES = [
    "{club} Beat {club2} to Reach the Final", "{club} Sign New Coach Before Season",
    "{city} to Host Regional Games", "{club} Held to Goalless Draw in {city}",
    "Fans Return to Stadiums in {country}", "{club} Coach Promises {q1}Attacking Football{q2}",
]
NEWS_SENTENCES = [
    "{official} said on {weekday} that {topic} would be reviewed by a joint committee before the end of {month}.",
    "The announcement came after {num} days of talks in {city} between delegations from {country} and {country2}.",
    "According to {adj} officials, the first phase of {topic} will cost around {money}.",
    "{official} told reporters: {q1}The door to dialogue remains open, but time is short.{q2}",
    "Residents of {city} reported long queues at fuel stations and intermittent power cuts.",
    "{org_c} welcomed the step and called on all parties to honour their commitments.",
    "Diplomats in {city2} said a draft statement was circulated among member states late on {weekday}.",
    "Critics argue that {topic} has been postponed too many times to be taken seriously.",
    "Security forces closed several roads around the government quarter as a precaution.",
    "A second round of talks is expected in {city2} within {small} weeks.",
    "{country}{ap}s parliament is due to vote on the measure next {weekday}.",
    "{official2} described the meeting as {q1}frank and useful{q2} and said more work was needed.",
    "Local councils in the province have asked for a larger share of the budget.",
    "The plan was first proposed in {month}, when officials from {country2} visited {city}.",
    "Observers said the outcome would depend on whether the neighbours could agree on funding.",
    "Aid agencies warned that {num} families were still waiting for shelter in the east of the country.",
]
FEATURE_SENTENCES = [
    "In the old quarter of {city}, the morning begins with the sound of shutters and hammers.",
    "{person} has worked in the same narrow shop for {num} years and says little has changed.",
    "{q1}My father taught me to listen to the metal before shaping it,{q2} {person_short} said.",
    "Visitors from {country2} now make up a growing share of the customers.",
    "Prices have risen sharply since {month}, and many families buy only what they need.",
    "The municipality of {city} has promised to restore the lanes around the market.",
    "For younger people, the trade is a link to a past they know mostly from photographs.",
    "On {weekday} evenings the square fills with students, vendors and musicians.",
    "Some of the workshops have turned to online orders to reach buyers abroad.",
    "{person_short} says the hardest part is finding apprentices willing to stay.",
]
BUSINESS_SENTENCES = [
    "Shares of {company} rose {pct} percent in early trading on {weekday}.",
    "The company said revenue reached {money} in the three months to the end of {month}.",
    "Analysts had expected a smaller gain, citing weaker demand in {country2}.",
    "The S&P Pan Arab index closed slightly lower as investors took profits.",
    "Bankers in {city} expect more M&A activity once the new listing rules take effect.",
    "{company2} declined to comment on reports that it was seeking a partner in {country}.",
    "{official} said the government would keep subsidies on fuel until the end of the year.",
    "Oil prices have fallen by nearly a third since {month}, squeezing state budgets.",
    "{q1}We see room for growth in logistics and data services,{q2} a senior executive said.",
    "The central bank left its benchmark rate unchanged for the {ordinal} consecutive meeting.",
]
SPORTS_SENTENCES = [
    "{club} beat {club2} {score} on {weekday} in front of a full stadium in {city}.",
    "The winning goal came {small} minutes from the end after a long spell of pressure.",
    "{person} said his players had shown {q1}character and patience{q2} throughout the match.",
    "The federation in {country} confirmed that the final will be played in {city2}.",
    "Ticket sales opened on {weekday} and sold out within hours.",
    "{club2} will now focus on the league, where they sit {small} points off the top.",
    "Supporters travelled from {city2} despite the long journey and the heat.",
]
OPINION_SENTENCES = [
    "It is tempting to believe that {topic} will settle old disputes, but history suggests otherwise.",
    "Governments in the region have learned that promises are cheap and delivery is expensive.",
    "The debate in {city} has so far focused on symbols rather than on the needs of ordinary people.",
    "{country}{ap}s young people are watching, and they are less patient than their parents.",
    "No agreement survives for long if it is negotiated over the heads of those it affects.",
    "We have been here before, in {year_past}, when a similar plan collapsed within months.",
    "The question is not whether change will come, but who will shape it.",
    "Neighbours such as {country2} have every reason to want this effort to succeed.",
    "A serious policy would begin with the budget, not with the press conference.",
    "Those who call for {q1}realism{q2} often mean nothing more than accepting the status quo.",
    "There is still time to correct course, though not as much as officials seem to think.",
]
OPINION_LEADS = [
    "Every generation in this region has been told that the next agreement will be the decisive one.",
    "When officials gathered in {city} last week, few people outside the conference hall paid attention.",
    "There is a habit in Arab politics of announcing plans long before anyone has paid for them.",
    "Few issues reveal the gap between words and deeds as clearly as {topic}.",
    "It has become fashionable to say that the old alliances no longer matter.",
]
INTERVIEW_INTROS = [
    "{iv_full} spoke to Asharq Al-Awsat about {topic} and the prospects for the coming year.",
    "In an interview with Asharq Al-Awsat, {iv_full} discussed {topic} and relations with {country2}.",
]
QUESTIONS = [
    "How do you assess the current state of {topic}?", "What is your response to critics in {city}?",
    "Is there a timetable for the next round of talks?",
    "How would you describe relations with {country2} today?", "What role can {org} play at this stage?",
    "What do you say to young people who feel left out of these decisions?",
    "Are you optimistic about the coming year?",
]
ANSWERS = [
    "We have made progress, but a great deal remains to be done before the public feels it.",
    "Criticism is natural, and we listen to it. Our priority is to deliver results on the ground.",
    "We hope to meet again before the end of {month}, but I will not commit to a date.",
    "Relations are good and improving. We share interests in trade, security and water.",
    "{org_c} can help with funding and expertise, but the decisions must be ours.",
    "They are right to be impatient. My advice to them is to stay involved and to hold us to account.",
    "I am cautiously optimistic. The signs from {city} are encouraging.",
]
CAPTIONS = [
    "Residents inspect damaged buildings in {city}", "A vendor arranges fruit at a market in {city}",
    "Delegates attend the opening session of the talks in {city}",
    "Protesters hold a banner reading {q1}{slogan}{q2} in {city}",
    "{official} speaks during a news conference in {city}",
    "Children play near a water pump on the outskirts of {city}",
    "Workers repair power lines after a storm in {city}",
    "Fans celebrate in a street of {city} after the match",
    "Traders watch share prices at the stock exchange in {city}",
]
SLOGANS = ["Bread and Dignity", "Our City, Our Future", "No to Delay", "Jobs Now"]

# ----- what the markup variants add (tests/replica/variants.py) ----------------------------------
SUBHEADINGS = [
    "What Comes Next", "A Long Road", "Mixed Reactions", "The Cost of Delay", "Voices From the Street",
    "Regional Stakes", "Background", "Questions Remain",
]
PULL_QUOTES = [
    "{q1}We will not accept a solution imposed from outside,{q2} {name} said.",
    "{q1}This is a test of our patience and of our institutions,{q2} said {name}, a resident of {city}.",
    "{q1}Nobody here believes the promises any more,{q2} a shopkeeper in {city} said.",
    "{q1}The coming weeks will decide everything.{q2}",
    "{q1}We have waited long enough. Now we want to see the results,{q2} {name} told Asharq Al-Awsat.",
]
TITLE_TAILS = ["Report", "Sources", "Officials", "Analysis"]
LIST_INTROS = [
    "The draft seen by Asharq Al-Awsat sets out the following points:",
    "According to the statement, the plan rests on these measures:", "Officials listed their main demands:",
]
LIST_ITEMS = [
    "A ceasefire along the border with {country}", "The return of displaced families to {city}",
    "New elections within {n} months", "A joint committee to monitor the agreement",
    "Safe corridors for aid convoys to {city}", "The release of detainees held since {year}",
    "Guarantees from {org}",
]
QUOTED_LEADS = [
    "{q1}We have waited long enough,{q2} a teacher in {city} told me last week.",
    "{q1}Nobody here believes the promises any more,{q2} a shopkeeper in {city} said.",
    "{q1}This is not the end of the story.{q2} That is how one official summed up the week.",
]
