"""Text detectors for comments: urgent symptoms, private details, and treatment advice.

Pure functions over a string, standard library only, so the screening pipeline can
call them and the moderation UI can highlight ``text[f.start:f.end]``. A finding is a
nudge for a person, never a verdict, and it always names the words that fired.

Hostile input costs linear time: every repetition is bounded or cannot overlap its
neighbour, patterns that scan a run start only where the run starts, and questions
about a sentence are asked once per sentence, not once per match.
"""

from forum.safety.advice import find_medical_advice
from forum.safety.private import find_private_details
from forum.safety.text import Finding
from forum.safety.urgent import find_urgent_symptoms

__all__ = ["Finding", "find_medical_advice", "find_private_details", "find_urgent_symptoms"]
