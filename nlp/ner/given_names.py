"""Common given names of the world written in Latin letters, compiled by the team from
general knowledge (no corpus text).

A name the tagger typed as a place but opened by one of these ("Wesley So", "Alireza
Firouzja") is a person: in VLSP 2016 train's and dev's gold, two or three such words are
a person 30 times and a place once. Names that are also the first word of common place
names ("Victoria", "Georgia", "Florence", "Santa") are left out.
"""

from __future__ import annotations

_NAMES = """
Aaron Abdul Abdullah Adam Adrian Ahmed Alan Albert Alejandro Alex Alexander Alexandre
Alexei Alexey Alfred Ali Alice Alicia Alireza Allen Amanda Amir Amy Ana Anders Andre
Andrea Andreas Andrei Andrew Andrey Andy Angela Angelina Anna Anne Anthony Anton
Antonio Ariana Arnold Arthur Ashley Avril Barack Barbara Ben Benjamin Bernard Bill
Billy Bob Boris Brad Brandon Brian Bruce Bruno Carl Carlo Carlos Caroline Catherine
Charles Charlie Chris Christian Christina Christine Christopher Claire Claudia
Cristiano Dan Daniel Daniela Danny Dario Dave David Dennis Diana Diego Dmitri Dmitry
Donald Douglas Edward Elena Elizabeth Ellen Elon Emily Emma Emmanuel Eric Erik Ernest
Ethan Eva Fabiano Felix Ferdinand Fernando Francesco Francis Frank Fred Gabriel Garry
Gary George Gerard Gina Giorgio Giovanni Grace Greg Gustavo Hans Harry Helen Henry Hugo
Ian Igor Isabel Ivan Jack Jacob James Jamie Jan Jane Janet Jason Javier Jean Jeff
Jeffrey Jennifer Jens Jerome Jessica Jim Jimmy Joe John Johnny Jonathan Jordan Jorge
Jose Joseph Josh Joshua Juan Julia Julian Julie Justin Karen Karim Karl Kate Katherine
Kevin Kim Klaus Kylian Lars Laura Lauren Lawrence Leo Leon Leonardo Lionel Lisa Louis
Luca Lucas Luis Luka Luke Marc Marco Marcus Maria Marianne Mario Mark Martin Mary Matt
Matthew Max Maxim Maxime Michael Michel Michelle Miguel Mike Mikhail Mohamed Mohammed
Muhammad Nancy Natalia Nathan Neil Nicholas Nick Nicolas Nikolai Nina Noah Oleg Oleksiy
Oliver Olivia Omar Oscar Pablo Patrick Paul Paulo Pedro Peter Philip Philippe Pierre
Rafael Ralph Ray Raymond Rebecca Richard Rick Robert Roberto Roger Roman Ronald Ryan
Sam Samuel Sandra Sara Sarah Scott Sean Sebastian Serena Sergei Sergey Simon Sophia
Sophie Stefan Stephen Steve Steven Susan Thomas Tim Timothy Tom Tommy Tony Valentina
Valery Victor Viktor Vincent Vladimir Walter Wesley William Xavier Yuri Zinedine Zoe
"""
GIVEN_NAMES = frozenset(_NAMES.split())
