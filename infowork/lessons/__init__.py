"""Machinery the lessons call in one line, so a lesson's cells show only the idea it teaches.

One file per topic; a lesson imports what it needs (``from infowork.lessons import explore``):

- :mod:`~infowork.lessons.explore`: the ER heat map, platform × rubric explorer and frequency
  charts of module 01;
- :mod:`~infowork.lessons.planning`: the content-plan checker and calendar view of module 01;
- :mod:`~infowork.lessons.writing`: measures of a post (length, first line, hashtags) for VK vs
  Telegram;
- :mod:`~infowork.lessons.quiz`: multiple-choice quizzes on ipywidgets (copyright; ad labelling
  and the list of large pages);
- :mod:`~infowork.lessons.audience`: multi-answer shares, cross-tables by row or column and age
  weights of module 02 (the survey), with their explorers;
- :mod:`~infowork.lessons.segments`: reader types, net growth per 100 members and account types
  of module 02;
- :mod:`~infowork.lessons.charts`: one question drawn as several chart types, the y-axis
  slider and other honest-axes demonstrations of module 03;
- :mod:`~infowork.lessons.cards`: the social-media card builder, distributions (median vs
  mean) and the picture-rights checklist of module 03;
- :mod:`~infowork.lessons.analytics`: UTM links, the Wilson interval and the landing page ×
  device explorer of module 04;
- :mod:`~infowork.lessons.funnels`: campaign funnels against a baseline, podcast retention and
  webinar completion of module 04;
- :mod:`~infowork.lessons.monitoring`: an organisation's indicators next to the median, weight
  sliders, the rating's sensitivity to the weights and the slope chart of module 05;
- :mod:`~infowork.lessons.jury`: deviation from the panel, juror severity, adjusted results
  and winners, one juror's district bias and the contest explorer of module 05;
- :mod:`~infowork.lessons.media`: shares with counts, shares within groups, reach against
  mentions and an organisation's media profile with its explorer of module 05;
- :mod:`~infowork.lessons.reports`: the open report's key-figures card next to the federation's
  median, its organisation dropdown, the paragraph checklist and a report shown in a frame
  (module 05, lesson 5).

A lesson shows these helpers at work on questions next to the assignment's; an assignment
step that a helper would answer says so in its task («без функций из infowork.lessons»).
"""
