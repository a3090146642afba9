// Cold start, part 1: marks the moment the page starts loading the one-file script.
performance.mark('stagecast-script-start');
