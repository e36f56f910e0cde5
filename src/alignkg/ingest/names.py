"""What a Chinese personal name looks like, in characters and in pinyin: the common surnames
and the syllables of Mandarin, so that names are recognised without a list of people."""

from __future__ import annotations

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任"
    "沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔"
    "向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌"
    "毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦"
    "麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明"
    "佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅"
    "屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊乌母裘亓修邰"
    "赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富"
    "尧闭由习"
)
COMPOUND_SURNAMES = {
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "夏侯", "长孙",
    "宇文", "司徒", "端木", "独孤", "南宫", "西门", "呼延", "轩辕",
}  # fmt: skip

# Characters that never appear inside a name here but often follow one in a readout.
NOT_IN_NAME = set("的了在是为对与及等并就由受向把将从以于要、，。")

_SYLLABLE_LINES = (
    "a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can cang",
    "cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chuai chuan chuang",
    "chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei deng di dian diao die",
    "ding diu dong dou du duan dui dun duo e ei en eng er fa fan fang fei fen feng fo fou fu ga gai",
    "gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun guo ha hai han hang hao he",
    "hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia jian jiang jiao jie jin jing",
    "jiong jiu ju juan jue jun ka kai kan kang kao ke ken keng kong kou ku kua kuai kuan kuang kui",
    "kun kuo la lai lan lang lao le lei leng li lia lian liang liao lie lin ling liu long lou lu luan",
    "lue lun luo lv ma mai man mang mao me mei men meng mi mian miao mie min ming miu mo mou mu na",
    "nai nan nang nao ne nei nen neng ni nian niang niao nie nin ning niu nong nou nu nuan nue nuo nv",
    "o ou pa pai pan pang pao pei pen peng pi pian piao pie pin ping po pou pu qi qia qian qiang qiao",
    "qie qin qing qiong qiu qu quan que qun ran rang rao re ren reng ri rong rou ru ruan rui run ruo",
    "sa sai san sang sao se sen seng sha shai shan shang shao she shei shen sheng shi shou shu shua",
    "shuai shuan shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te teng ti",
    "tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia xian",
    "xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yo yong you yu",
    "yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe zhen zheng zhi",
    "zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu zuan zui zun zuo",
)
SYLLABLES = {syllable for line in _SYLLABLE_LINES for syllable in line.split()}
"""The syllables of Mandarin in pinyin without tones."""
_SURNAME_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "查": "zha",
    "区": "ou",
    "朴": "piao",
    "乐": "yue",
    "盖": "ge",
    "尉迟": "yuchi",
}


@lru_cache(maxsize=4096)
def pinyin_of_name(name: str) -> str:
    """A Chinese name in pinyin as English texts write it: surname, then the given name as one
    word, each capitalised.

    >>> pinyin_of_name("孟凡英"), pinyin_of_name("欧阳明")
    ('Meng Fanying', 'Ouyang Ming')
    """
    surname_length = 2 if name[:2] in COMPOUND_SURNAMES else 1
    surname, given = name[:surname_length], name[surname_length:]
    family = _SURNAME_READINGS.get(surname) or "".join(lazy_pinyin(surname, style=Style.NORMAL))
    given_reading = "".join(lazy_pinyin(given, style=Style.NORMAL))
    return " ".join(part.replace("ü", "v").capitalize() for part in (family, given_reading) if part)


@lru_cache(maxsize=1)
def pinyin_surnames() -> frozenset[str]:
    """The pinyin spellings of the surnames above."""
    readings = {"".join(lazy_pinyin(s, style=Style.NORMAL)) for s in SURNAMES | COMPOUND_SURNAMES}
    return frozenset(readings | set(_SURNAME_READINGS.values()))


def _syllables(word: str, most: int) -> bool:
    """True if ``word`` splits into at most ``most`` Mandarin syllables."""
    word = word.lower().replace("'", "").replace("-", "")
    reachable = {0: 0}
    for start in range(len(word)):
        if start not in reachable or reachable[start] >= most:
            continue
        for end in range(start + 1, min(len(word), start + 6) + 1):
            if word[start:end] in SYLLABLES:
                count = reachable[start] + 1
                if end not in reachable or reachable[end] > count:
                    reachable[end] = count
    return len(word) in reachable


def looks_like_pinyin_name(surname: str, given: str) -> bool:
    """True if two capitalised words read as a Chinese name in pinyin ("Meng", "Fanying").

    >>> looks_like_pinyin_name("Meng", "Fanying"), looks_like_pinyin_name("Vladimir", "Putin")
    (True, False)
    """
    return surname.lower() in pinyin_surnames() and _syllables(given, 3)


EN_NAME = re.compile(r"\b([A-Z][a-z]{0,5})[ \u00a0]([A-Z][a-z]{1,11}(?:-[a-z]{1,6})?)\b")
"""Two capitalised words, the shape of a Chinese name in an English text."""


def is_chinese_name(candidate: str) -> bool:
    """True if a run of characters can be a Chinese personal name (surname first, 2 to 4 long)."""
    if not 2 <= len(candidate) <= 4 or any(c in NOT_IN_NAME for c in candidate[1:]):
        return False
    if candidate[:2] in COMPOUND_SURNAMES:
        return len(candidate) >= 3
    return candidate[0] in SURNAMES and len(candidate) <= 3
