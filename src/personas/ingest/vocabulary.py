"""Header vocabulary: the words that say what a column is.

Patterns match :func:`personas.ingest.profile.normalise_header` output (lower
case, ``snake_case``/``camelCase`` split into words). Kept apart from the
rules in :mod:`personas.ingest.roles` so the wording can grow without the
logic changing; discover's sniffing reads the same words.
"""

from __future__ import annotations

import re

from personas.models import ColumnRoleName

EMAIL_H = re.compile(r"\be ?mail\b")
PERSON_ID_H = re.compile(
    r"\b(customer|respondent|user|client|member|account|subscriber|buyer|shopper)"
    r" ?(id|number|no|ref|reference)\b|^(customer|respondent)$"
)
PRODUCT_H = re.compile(r"\b(product|products|lineitem|line ?item|item name|handle|variant|sku)\b")
# orders: the column naming what was bought (best first: a name reads better than a code)
_ITEM = r"(lineitem|line ?item|item|product|article)"
PRODUCT_NAME_H = re.compile(
    rf"^{_ITEM}s? (name|title|description)s?$|^(products?|items?|lineitems?|line ?items?)$"
    rf"|^(products?|items?) (bought|purchased|ordered)$|^(name|title) of (the )?{_ITEM}$"
)
PRODUCT_CODE_H = re.compile(
    r"^((lineitem|line ?item|item|product|variant|article) )?sku$|^(product|item|article) code$"
)
# orders: what a buyer writes on a line item or an order (gift messages, engravings,
# delivery notes): never read
BUYER_NOTE_H = re.compile(
    r"\b(propert(y|ies)|notes?|note attributes?|gift|personali[sz]ation|engraving|inscription"
    r"|messages?|instructions?|custom (text|message|note)s?)\b"
)
TECH_ID_H = re.compile(r"\b(id|ids|uuid|guid|token|sku|response id)\b|^#$")
TECH_H = re.compile(
    r"^(status|progress|finished|duration( \(in seconds\))?|distribution channel|user language"
    r"|response set|external (data )?reference|location (latitude|longitude|accuracy)"
    r"|latitude|longitude|custom data \d*|currency|language|user agent|referrer url|page url)$"
)
NAME_H = re.compile(
    r"^(name|full name|first name|last name|given name|family name|surname|forename|author"
    r"|reviewer|reviewer name|author name|customer name|billing name|shipping name|contact name"
    r"|display name|recipient (first|last) ?name|consumer name|requester|requester name|commenter"
    r"|customer first name|customer last name)$|\byour (full |first |last )?name\b"
)
HANDLE_H = re.compile(
    r"\b(user ?name|screen ?name|handle|user|author|from|commenter|account|profile|name"
    r"|posted by|owner)\b"
)
REPLY_H = re.compile(
    r"\b(reply|replied|replied at|merchant response|shop response|store response)\b"
    r"|^comment (content|public|created at)$"
)
STATUS_COLUMN_H = re.compile(
    r"^(public|is public|private|is private|internal|is internal|incoming|is incoming|author role"
    r"|author type|sender type|role|from agent|is agent|financial status|payment status"
    r"|fulfillment status|fulfilment status|cancelled at|canceled at)$"
)
AGENT_H = re.compile(r"^(assignee|assigned to|agent|agent name|responder|group|assignee email)$")
REVIEW_STATES = {"published", "unpublished", "spam", "pending", "approved", "rejected", "hidden"}
DATE_H = re.compile(
    r"\b(date|time|timestamp|created|submitted|recorded|updated|completed|posted|sent|placed)\b"
    r"|\bat$"
)
BIRTH_H = re.compile(r"\b(born|birth|birthday|yob|dob)\b")
AGE_H = re.compile(r"\bage\b|\bhow old\b")
NPS_H = re.compile(r"recommend|\bnps\b|net promoter")
RATING_H = re.compile(r"\b(rating|ratings|stars?|score|rated)\b")
REFUND_H = re.compile(r"\brefund(ed|s)?\b")
MONEY_H = (  # best first
    ("total", r"\b(order )?total\b"),
    ("amount", r"\bamount\b"),
    ("spend", r"\b(spend|spent)\b"),
    ("revenue", r"\brevenue\b"),
    ("subtotal", r"\bsubtotal\b"),
    ("price", r"\bprice\b"),
    ("cost", r"\b(cost|paid)\b"),
)
ATTRIBUTE_H: tuple[tuple[ColumnRoleName, str, float], ...] = (  # (role, pattern, strength)
    ("gender", r"\b(gender|sex)\b", 0.95),
    ("income", r"\b(income|salary|earnings?)\b", 0.9),
    (
        "household",
        r"\b(marital|household|children|kids|married|family size|people live|dependa?e?nts)\b",
        0.85,
    ),
    ("education", r"\b(education|highest degree|level of school|qualifications?|schooling)\b", 0.9),
    ("occupation", r"\b(occupation)\b", 0.95),
    ("occupation", r"\b(work (that )?you do|kind of work|type of work)\b", 0.9),
    ("occupation", r"\b(job title|job role|your job|profession|role at work)\b", 0.85),
    ("occupation", r"\b(industry|sector)\b", 0.8),
    (
        "region",
        r"\b(country|region|state|province|county|city|town|location|postcode|post code"
        r"|zip|where do you live|where are you based|reside|residence|nationality|time ?zone)\b",
        0.9,
    ),
    ("device", r"\b(device|devices|browser|operating system|mobile or desktop)\b|^platform$", 0.85),
    (
        "channel",
        r"\b(shipping method|delivery method|how did you hear|hear about|heard about|referr\w*"
        r"|acquisition|channel|utm source|find us|found us|received via|submitted via)\b",
        0.85,
    ),
)
TEXT_H = re.compile(
    r"\b(comments?|feedback|reviews?|review text|complaints?|narrative|body|message|text|content"
    r"|suggestions?|improve"
    r"|thoughts|anything else|tell us|describe|explain|why|like best|like least|like most"
    r"|dislike|open-ended response|please specify)\b"
)
MULTI_H = re.compile(r"\b(check|select|tick|choose) all\b|\ball that apply\b")
FILE = re.compile(r"^\S+\.(jpe?g|png|gif|pdf|docx?|xlsx?|heic|webp)$", re.IGNORECASE)
CHOICE_H = re.compile(r"^(which|do you|did you|are you|have you|how often|how many|how much)\b")
TITLE_H = re.compile(r"^(title|review title|summary|headline|subject|review headline)$")

# discover: which kind of table is this?
REVIEW_TEXT_H = re.compile(r"\b(reviews?|review text|body|comments?|content|text|review body)\b")
ORDER_MONEY_H = re.compile(r"\b(total|order total|amount|subtotal|price|revenue|spend|spent)\b")
CUSTOMER_H = re.compile(r"\be ?mail\b|\bcustomer\b|\bbuyer\b|\bbilling name\b")
FREE_TEXT_H = re.compile(r"\b(review|comments?|feedback|message|body|text|notes?|why)\b")
ORDER_H = re.compile(r"\b(order|lineitem|line item|sku|quantity|shipping)\b")
SOCIAL_TEXT_H = re.compile(
    r"^(text|tweet|tweet text|full text|message|comment|comment text|post text)$"
)
SOCIAL_WHO_H = re.compile(r"\b(user ?name|screen ?name|handle|author|author id|commenter)\b")
TICKET_H = re.compile(r"\b(ticket|ticket id|requester|conversation id|case (id|number)|incident)\b")
# complaint and ticket exports: the customer's account of the problem
COMPLAINT_H = re.compile(
    r"\b(complaints?|narrative|grievances?|(issue|problem|case|incident) (description|details))\b"
)
# social exports: a column that may hold the post itself ("tweet_text", "Post content")
POST_TEXT_H = re.compile(r"\b(text|tweet|post|message|content)\b")
# social exports (tweets, posts): metadata columns only a social platform writes
SOCIAL_META_H = re.compile(
    r"^(tweet|retweet|retweeted|user|favou?rite|hashtags?|mentions?|quote|reply to|in reply to"
    r"|screen name|followers?|post|subreddit)\b"
)
METRIC_H = re.compile(
    r"\b(sessions|users|new users|page ?views|views|visits|visitors|bounce rate|share|percentage"
    r"|percent|conversion rate|impressions|clicks|ctr|transactions)\b|%"
)
DIMENSION_H = re.compile(
    r"\b(device|device category|region|country|city|source|medium|source medium|channel"
    r"|default channel grouping|browser|operating system|landing page|age|gender|platform)\b"
)
